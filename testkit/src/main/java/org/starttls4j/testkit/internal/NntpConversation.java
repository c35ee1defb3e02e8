package org.starttls4j.testkit.internal;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.starttls4j.nntp.Nntp;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.Recording;

/** NNTP (RFC 3977) after the negotiation, with no newsgroups: see {@link Conversation}. */
final class NntpConversation extends Conversation {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private String user;
    private boolean authenticated;

    NntpConversation(MailProtocol protocol, Recording recording, int connection, Layer layer, Profile profile) {
        super(protocol, recording, connection, layer, profile);
    }

    @Override
    public String logged(String line) {
        return maskCommand(line);
    }

    @Override
    public Answer onLine(String line) {
        record(line);
        String verb = verb(line);
        String arg = argument(line);
        String upper = arg.toUpperCase(Locale.ROOT);
        switch (verb) {
            case "CAPABILITIES":
                if (encrypted) {
                    return Answer.of(Nntp.capabilitiesReplyAfterTls(config));
                }
                StringBuilder s = new StringBuilder("101 Capability list:\r\n");
                inPlaintext().forEach(c -> s.append(c).append("\r\n"));
                return Answer.of(s.append(".\r\n").toString());
            case "MODE":
                return Answer.of(upper.equals("READER") ? "200 Reader mode, posting permitted\r\n" : "501 Unknown MODE\r\n");
            case "AUTHINFO":
                return authinfo(arg);
            case "LIST":
                return Answer.of(upper.isEmpty() || upper.equals("ACTIVE") || upper.equals("NEWSGROUPS")
                        ? "215 Information follows\r\n.\r\n" : "501 Unknown LIST keyword\r\n");
            case "NEWGROUPS":
                return Answer.of("231 List of new newsgroups follows\r\n.\r\n");
            case "GROUP":
                return Answer.of("411 No such newsgroup\r\n");
            case "POST":
                return Answer.of("440 Posting not permitted\r\n");
            case "DATE":
                return Answer.of("111 " + DATE.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n");
            case "HELP":
                return Answer.of("100 Help text follows\r\nstarttls4j reference server: CAPABILITIES AUTHINFO LIST GROUP QUIT\r\n.\r\n");
            case "STARTTLS":
                return Answer.of(encrypted ? Nntp.REPLY_TLS_ALREADY_ACTIVE : "580 Can not initiate TLS negotiation\r\n");
            case "QUIT":
                return new Answer("205 Connection closing\r\n", true);
            default:
                return Answer.of("500 Unknown command\r\n");
        }
    }

    private Answer authinfo(String arg) {
        if (!loginAllowed()) {
            return Answer.of("483 Encryption required\r\n");
        }
        if (authenticated) {
            return Answer.of("502 Already authenticated\r\n");
        }
        String upper = arg.toUpperCase(Locale.ROOT);
        if (upper.startsWith("USER ")) {
            user = argument(arg);
            return Answer.of("381 Password required\r\n");
        }
        if (upper.startsWith("PASS ")) {
            if (user == null) {
                return Answer.of("482 USER first\r\n");
            }
            login("AUTHINFO USER/PASS", user, argument(arg));
            authenticated = true;
            return Answer.of("281 Authentication accepted\r\n");
        }
        if (upper.startsWith("SASL PLAIN ")) {
            plain("AUTHINFO SASL PLAIN", arg.substring("SASL PLAIN ".length()));
            authenticated = true;
            return Answer.of("281 Authentication accepted\r\n");
        }
        return Answer.of("501 Unsupported AUTHINFO\r\n");
    }
}
