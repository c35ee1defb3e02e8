package org.starttls4j.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.starttls4j.testkit.Credentials;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;

/**
 * What a kit server answers once the negotiation is over, line by line, without I/O: enough of
 * each protocol for Jakarta Mail, Python's libraries and curl to finish a session against an
 * empty mailbox. Any credentials are accepted; every line is recorded with its layer, credentials
 * are decoded, SMTP messages are kept.
 *
 * <pre>
 * SMTP  EHLO HELO NOOP RSET MAIL RCPT DATA AUTH PLAIN/LOGIN VRFY HELP QUIT
 * IMAP  CAPABILITY NOOP LOGIN AUTHENTICATE PLAIN LIST LSUB SELECT EXAMINE STATUS CLOSE UNSELECT
 *       CHECK ID NAMESPACE ENABLE SEARCH FETCH STORE EXPUNGE LOGOUT
 * POP3  CAPA USER PASS AUTH PLAIN STAT LIST UIDL RETR DELE TOP RSET NOOP QUIT
 * </pre>
 */
public abstract class Conversation {

    /**
     * What to send back after one line.
     *
     * @param send  the reply, CRLF included; empty for none
     * @param close whether to close the connection after sending it
     */
    public record Answer(String send, boolean close) {
        static Answer of(String send) {
            return new Answer(send, false);
        }
    }

    /**
     * How a conversation presents itself.
     *
     * @param hostname        the name in greetings and EHLO replies
     * @param authAnnounced   whether AUTH (SMTP), AUTH=PLAIN (IMAP), SASL PLAIN (POP3) are announced
     */
    public record Profile(String hostname, boolean authAnnounced) {
    }

    final Recording recording;
    final int connection;
    final Layer layer;
    final Profile profile;

    Conversation(Recording recording, int connection, Layer layer, Profile profile) {
        this.recording = recording;
        this.connection = connection;
        this.layer = layer;
        this.profile = profile;
    }

    /**
     * A conversation for one connection.
     *
     * @param protocol   the protocol
     * @param recording  where lines, credentials and messages go
     * @param connection the connection's number
     * @param layer      the layer every line of it travels in
     * @param profile    how it presents itself
     * @return a fresh conversation, in the state after the greeting (and after STARTTLS, inside TLS)
     */
    public static Conversation open(MailProtocol protocol, Recording recording, int connection, Layer layer, Profile profile) {
        return switch (protocol) {
            case SMTP -> new SmtpConversation(recording, connection, layer, profile);
            case IMAP -> new ImapConversation(recording, connection, layer, profile);
            case POP3 -> new Pop3Conversation(recording, connection, layer, profile);
        };
    }

    /**
     * The greeting a server of the protocol sends first.
     *
     * @param protocol the protocol
     * @param hostname the server's name
     * @return the greeting, CRLF included
     */
    public static String greeting(MailProtocol protocol, String hostname) {
        return switch (protocol) {
            case SMTP -> "220 " + hostname + " ESMTP starttls4j testkit\r\n";
            case IMAP -> "* OK [CAPABILITY IMAP4rev1] " + hostname + " starttls4j testkit ready\r\n";
            case POP3 -> "+OK " + hostname + " starttls4j testkit ready\r\n";
        };
    }

    /**
     * Answers one line from the client (without its CRLF) and records it.
     *
     * @param line the line
     * @return what to send back
     */
    public abstract Answer onLine(String line);

    /**
     * Whether the conversation expects the client's next line to be data (message text), not a command.
     *
     * @return true inside SMTP {@code DATA}
     */
    public boolean readingData() {
        return false;
    }

    void record(String line) {
        recording.add(new ReceivedCommand(connection, layer, line, Instant.now()));
    }

    void login(String mechanism, String user, String password) {
        recording.add(new Credentials(connection, layer, mechanism, user, password));
    }

    /** Decodes a SASL PLAIN response ({@code authzid NUL authcid NUL password}) and records it. */
    boolean plain(String mechanism, String base64) {
        try {
            String decoded = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
            String[] parts = decoded.split("\0", -1);
            if (parts.length != 3) {
                return false;
            }
            login(mechanism, parts[1], parts[2]);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }

    static String verb(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    static String argument(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? "" : line.substring(space + 1).trim();
    }

    /** Splits IMAP arguments into atoms and quoted strings (backslash escapes honoured). */
    static List<String> imapArguments(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '"') {
                StringBuilder s = new StringBuilder();
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    s.append(text.charAt(i++));
                }
                i++;
                out.add(s.toString());
            } else {
                int end = text.indexOf(' ', i);
                end = end < 0 ? text.length() : end;
                out.add(text.substring(i, end));
                i = end;
            }
        }
        return out;
    }
}
