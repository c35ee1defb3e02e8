package org.starttls4j.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Capabilities;
import org.starttls4j.lmtp.Lmtp;
import org.starttls4j.smtp.EhloCapabilities;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testkit.DeliveredMessage;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.Recording;

/** SMTP and LMTP after the negotiation: see {@link Conversation}. */
final class SmtpConversation extends Conversation {

    /** What a message may hold before the server refuses it, in bytes: a bound, as every buffer here. */
    private static final int MAX_MESSAGE = 10 * 1024 * 1024;

    private enum Stage { COMMAND, DATA, AUTH_PLAIN, AUTH_LOGIN_USER, AUTH_LOGIN_PASSWORD }

    private final boolean lmtp;
    private Stage stage = Stage.COMMAND;
    private String from;
    private final List<String> recipients = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private long dataLines;
    private long dataBytes;
    private String loginUser;

    SmtpConversation(MailProtocol protocol, Recording recording, int connection, Layer layer, Profile profile) {
        super(protocol, recording, connection, layer, profile);
        this.lmtp = protocol == MailProtocol.LMTP;
    }

    @Override
    public boolean readingData() {
        return stage == Stage.DATA;
    }

    @Override
    public String logged(String line) {
        return switch (stage) {
            case DATA -> line.equals(".") ? "(end of message data, " + dataLines + (dataLines == 1 ? " line)" : " lines)") : null;
            case AUTH_PLAIN, AUTH_LOGIN_USER, AUTH_LOGIN_PASSWORD -> MASK;
            default -> maskCommand(line);
        };
    }

    @Override
    public Answer onLine(String line) {
        switch (stage) {
            case DATA:
                return data(line);
            case AUTH_PLAIN:
                record(line);
                stage = Stage.COMMAND;
                if (line.equals("*")) {
                    return Answer.of("501 5.7.0 Authentication cancelled\r\n");
                }
                return plain("AUTH PLAIN", line) ? Answer.of("235 2.7.0 Authentication successful\r\n")
                        : Answer.of("501 5.5.2 Cannot decode the response\r\n");
            case AUTH_LOGIN_USER:
                record(line);
                if (line.equals("*")) {
                    stage = Stage.COMMAND;
                    return Answer.of("501 5.7.0 Authentication cancelled\r\n");
                }
                loginUser = decode(line);
                stage = Stage.AUTH_LOGIN_PASSWORD;
                return Answer.of("334 UGFzc3dvcmQ6\r\n");
            case AUTH_LOGIN_PASSWORD:
                record(line);
                stage = Stage.COMMAND;
                if (line.equals("*")) {
                    return Answer.of("501 5.7.0 Authentication cancelled\r\n");
                }
                login("AUTH LOGIN", loginUser, decode(line));
                return Answer.of("235 2.7.0 Authentication successful\r\n");
            default:
                record(line);
                return command(line);
        }
    }

    private Answer data(String line) {
        if (line.equals(".")) {
            stage = Stage.COMMAND;
            deliver(new DeliveredMessage(connection, layer, from, recipients, data.toByteArray()));
            // RFC 2033 §4.2: LMTP answers the end of data once per accepted recipient.
            String accepted = (keepMessages ? "250 2.0.0 OK: message accepted\r\n" : "250 2.0.0 OK: message accepted and discarded\r\n")
                    .repeat(lmtp ? recipients.size() : 1);
            reset();
            return Answer.of(accepted);
        }
        dataLines++;
        String unstuffed = line.startsWith(".") ? line.substring(1) : line;
        dataBytes += unstuffed.length() + 2;
        if (dataBytes > MAX_MESSAGE) {
            return new Answer("552 5.3.4 Message too big for this test server\r\n", true);
        }
        if (keepMessages) {
            data.writeBytes((unstuffed + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        return Answer.of("");
    }

    private void reset() {
        from = null;
        recipients.clear();
        data.reset();
        dataLines = 0;
        dataBytes = 0;
    }

    private Answer command(String line) {
        String verb = verb(line);
        String arg = argument(line);
        if (lmtp && (verb.equals("EHLO") || verb.equals("HELO"))) {
            return Answer.of("500 5.5.1 This is LMTP: use LHLO\r\n");
        }
        switch (verb) {
            case "EHLO":
            case "LHLO":
                if (arg.isEmpty() || verb.equals("LHLO") != lmtp) {
                    return Answer.of(arg.isEmpty() ? "501 5.5.4 Syntax: " + verb + " hostname\r\n" : "500 5.5.2 Command not recognized\r\n");
                }
                reset();
                return Answer.of(encrypted ? (lmtp ? Lmtp.lhloReplyAfterTls(config, arg) : Smtp.ehloReplyAfterTls(config, arg))
                        : ehloInPlaintext(arg));
            case "HELO":
                reset();
                return Answer.of(arg.isEmpty() ? "501 5.5.4 Syntax: HELO hostname\r\n" : "250 " + config.hostname() + "\r\n");
            case "NOOP":
                return Answer.of("250 2.0.0 OK\r\n");
            case "RSET":
                reset();
                return Answer.of("250 2.0.0 OK\r\n");
            case "MAIL":
                if (!arg.toUpperCase(Locale.ROOT).startsWith("FROM:")) {
                    return Answer.of("501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
                }
                reset();
                from = address(arg.substring(5));
                return Answer.of("250 2.1.0 OK\r\n");
            case "RCPT":
                if (from == null) {
                    return Answer.of("503 5.5.1 Error: need MAIL command\r\n");
                }
                if (!arg.toUpperCase(Locale.ROOT).startsWith("TO:")) {
                    return Answer.of("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
                }
                recipients.add(address(arg.substring(3)));
                return Answer.of("250 2.1.5 OK\r\n");
            case "DATA":
                if (recipients.isEmpty()) {
                    return Answer.of("503 5.5.1 Error: need RCPT command\r\n");
                }
                stage = Stage.DATA;
                data.reset();
                dataLines = 0;
                dataBytes = 0;
                return Answer.of("354 End data with <CR><LF>.<CR><LF>\r\n");
            case "AUTH":
                return auth(arg);
            case "VRFY":
                return Answer.of("252 2.0.0 Cannot VRFY user, but will accept message\r\n");
            case "HELP":
                return Answer.of("214 2.0.0 starttls4j reference server: EHLO MAIL RCPT DATA RSET NOOP QUIT\r\n");
            case "STARTTLS":
                return Answer.of(encrypted ? Smtp.REPLY_TLS_ALREADY_ACTIVE
                        : "454 4.7.0 TLS not available after the session went on in plaintext\r\n");
            case "QUIT":
                return new Answer("221 2.0.0 Bye\r\n", true);
            default:
                return Answer.of("500 5.5.2 Command not recognized\r\n");
        }
    }

    private Answer auth(String arg) {
        if (!loginAllowed()) {
            return Answer.of("538 5.7.11 Encryption required for requested authentication mechanism\r\n");
        }
        String[] words = arg.split(" ");
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        if (mechanism.equals("PLAIN")) {
            if (words.length > 1) {
                return plain("AUTH PLAIN", words[1]) ? Answer.of("235 2.7.0 Authentication successful\r\n")
                        : Answer.of("501 5.5.2 Cannot decode the response\r\n");
            }
            stage = Stage.AUTH_PLAIN;
            return Answer.of("334 \r\n");
        }
        if (mechanism.equals("LOGIN")) {
            if (words.length > 1) {
                loginUser = decode(words[1]);
                stage = Stage.AUTH_LOGIN_PASSWORD;
                return Answer.of("334 UGFzc3dvcmQ6\r\n");
            }
            stage = Stage.AUTH_LOGIN_USER;
            return Answer.of("334 VXNlcm5hbWU6\r\n");
        }
        return Answer.of("504 5.5.4 Unrecognized authentication type\r\n");
    }

    /** The core's EHLO reply over what this server offers in plaintext: the client's name echoed only where RFC 5321 allows it. */
    private String ehloInPlaintext(String client) {
        return EhloCapabilities.reply(config.hostname(), client, new Capabilities(inPlaintext()));
    }

    /** {@code <a@b> SIZE=10} → {@code a@b}. */
    private static String address(String text) {
        String t = text.trim();
        if (t.startsWith("<")) {
            int end = t.indexOf('>');
            return end < 0 ? t.substring(1) : t.substring(1, end);
        }
        int space = t.indexOf(' ');
        return space < 0 ? t : t.substring(0, space);
    }
}
