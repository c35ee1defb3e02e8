package org.starttls4j.testkit.internal;

import org.starttls4j.pop3.Pop3;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.Recording;

/** POP3 after the negotiation, against an empty maildrop: see {@link Conversation}. */
final class Pop3Conversation extends Conversation {

    private static final String NOT_IN_PLAINTEXT = "-ERR [AUTH] Plaintext authentication is disallowed without TLS\r\n";

    private boolean transaction;
    private String user;
    private boolean authenticating;

    Pop3Conversation(MailProtocol protocol, Recording recording, int connection, Layer layer, Profile profile) {
        super(protocol, recording, connection, layer, profile);
    }

    @Override
    public String logged(String line) {
        return authenticating ? MASK : maskCommand(line);
    }

    @Override
    public Answer onLine(String line) {
        record(line);
        if (authenticating) {
            authenticating = false;
            if (line.equals("*")) {
                return Answer.of("-ERR AUTH cancelled\r\n");
            }
            if (!plain("AUTH PLAIN", line)) {
                return Answer.of("-ERR Cannot decode the response\r\n");
            }
            transaction = true;
            return Answer.of("+OK Logged in\r\n");
        }
        String verb = verb(line);
        String arg = argument(line);
        switch (verb) {
            case "CAPA":
                if (encrypted) {
                    return Answer.of(Pop3.capaReplyAfterTls(config));
                }
                StringBuilder s = new StringBuilder("+OK Capability list follows\r\n");
                inPlaintext().forEach(c -> s.append(c).append("\r\n"));
                return Answer.of(s.append(".\r\n").toString());
            case "USER":
                if (!loginAllowed()) {
                    return Answer.of(NOT_IN_PLAINTEXT);
                }
                if (transaction || arg.isEmpty()) {
                    return Answer.of("-ERR USER needs a name, before logging in\r\n");
                }
                user = arg;
                return Answer.of("+OK\r\n");
            case "PASS":
                if (!loginAllowed()) {
                    return Answer.of(NOT_IN_PLAINTEXT);
                }
                if (user == null || transaction) {
                    return Answer.of("-ERR USER first\r\n");
                }
                login("USER/PASS", user, arg);
                transaction = true;
                return Answer.of("+OK Logged in\r\n");
            case "AUTH": {
                if (arg.isEmpty()) {
                    return Answer.of("+OK\r\nPLAIN\r\n.\r\n");
                }
                if (!loginAllowed()) {
                    return Answer.of(NOT_IN_PLAINTEXT);
                }
                String[] words = arg.split(" ");
                if (!words[0].equalsIgnoreCase("PLAIN") || transaction) {
                    return Answer.of("-ERR Unsupported mechanism\r\n");
                }
                if (words.length > 1) {
                    if (!plain("AUTH PLAIN", words[1])) {
                        return Answer.of("-ERR Cannot decode the response\r\n");
                    }
                    transaction = true;
                    return Answer.of("+OK Logged in\r\n");
                }
                authenticating = true;
                return Answer.of("+ \r\n");
            }
            case "STAT":
                return transaction ? Answer.of("+OK 0 0\r\n") : notYet();
            case "LIST":
                return !transaction ? notYet() : arg.isEmpty() ? Answer.of("+OK 0 messages\r\n.\r\n") : noSuchMessage();
            case "UIDL":
                return !transaction ? notYet() : arg.isEmpty() ? Answer.of("+OK\r\n.\r\n") : noSuchMessage();
            case "RETR":
            case "DELE":
            case "TOP":
                return transaction ? noSuchMessage() : notYet();
            case "RSET":
            case "NOOP":
                return transaction ? Answer.of("+OK\r\n") : notYet();
            case "STLS":
                return Answer.of(encrypted ? Pop3.REPLY_TLS_ALREADY_ACTIVE : "-ERR TLS not available now\r\n");
            case "QUIT":
                return new Answer("+OK Bye\r\n", true);
            default:
                return Answer.of("-ERR Unknown command\r\n");
        }
    }

    private static Answer notYet() {
        return Answer.of("-ERR Log in first\r\n");
    }

    private static Answer noSuchMessage() {
        return Answer.of("-ERR No such message\r\n");
    }
}
