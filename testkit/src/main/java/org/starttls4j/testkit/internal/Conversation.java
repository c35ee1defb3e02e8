package org.starttls4j.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testkit.Credentials;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;

/**
 * What a kit server answers once the negotiation has handed a connection over, line by line,
 * without I/O (the NIO and Netty transports, and the hostile servers, feed it): enough of each
 * protocol for Jakarta Mail, Python's libraries, curl and swaks to finish a session against an
 * empty mailbox. Any credentials are accepted — inside TLS, and in plaintext only where the
 * configuration allows AUTH before TLS. Every line is recorded with its layer, credentials are
 * decoded, SMTP messages are kept (or only counted).
 *
 * <pre>
 * SMTP  EHLO HELO NOOP RSET MAIL RCPT DATA AUTH PLAIN/LOGIN VRFY HELP QUIT
 * LMTP  as SMTP with LHLO (no EHLO/HELO), one reply per recipient after DATA
 * IMAP  CAPABILITY NOOP LOGIN AUTHENTICATE PLAIN LIST LSUB SELECT EXAMINE STATUS CLOSE UNSELECT
 *       CHECK ID NAMESPACE ENABLE SEARCH FETCH STORE EXPUNGE APPEND LOGOUT; literals {n} and {n+}
 * POP3  CAPA USER PASS AUTH PLAIN STAT LIST UIDL RETR DELE TOP RSET NOOP QUIT
 * Sieve CAPABILITY AUTHENTICATE PLAIN LISTSCRIPTS HAVESPACE PUTSCRIPT CHECKSCRIPT (accepted, discarded)
 *       SETACTIVE GETSCRIPT DELETESCRIPT RENAMESCRIPT (no scripts) NOOP UNAUTHENTICATE LOGOUT;
 *       after STARTTLS it speaks first: the capabilities again ({@link #opening()})
 * NNTP  CAPABILITIES MODE READER AUTHINFO USER/PASS/SASL PLAIN LIST NEWGROUPS GROUP (no groups)
 *       POST (refused) HELP DATE QUIT
 * </pre>
 *
 * <p>{@link #logged(String)} gives the form of a line fit for a log: passwords, SASL responses and
 * message contents are masked.
 */
public abstract class Conversation {

    /** What a log shows instead of a credential. */
    public static final String MASK = "****";

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
     * @param config       the server's configuration: host name, capabilities before and after TLS,
     *                     and whether AUTH is allowed before TLS
     * @param keepMessages whether SMTP/LMTP messages are recorded whole (a test) or only counted (a long-running server)
     */
    public record Profile(ServerConfig config, boolean keepMessages) {

        /**
         * A profile that plays along whatever the layer (hostile servers: what a client that goes on
         * in plaintext sends is recorded, credentials and all), announcing {@link #capabilities}.
         *
         * @param protocol      the protocol
         * @param hostname      the name in greetings and replies
         * @param authAnnounced whether login is announced inside TLS
         * @return the profile
         */
        public static Profile playingAlong(MailProtocol protocol, String hostname, boolean authAnnounced) {
            return new Profile(ServerConfig.builder().policy(TlsPolicy.OPPORTUNISTIC).hostname(hostname).allowAuthBeforeTls(true)
                    .capabilitiesBeforeTls(capabilities(protocol, true)).capabilitiesAfterTls(capabilities(protocol, authAnnounced))
                    .build(), true);
        }
    }

    final MailProtocol protocol;
    final ServerConfig config;
    final Layer layer;
    final boolean encrypted;
    final boolean keepMessages;
    private final Recording recording;
    final int connection;

    Conversation(MailProtocol protocol, Recording recording, int connection, Layer layer, Profile profile) {
        this.protocol = protocol;
        this.recording = recording;
        this.connection = connection;
        this.layer = layer;
        this.encrypted = layer == Layer.TLS;
        this.config = profile.config();
        this.keepMessages = profile.keepMessages();
    }

    /**
     * A conversation for one connection.
     *
     * @param protocol   the protocol
     * @param recording  where lines, credentials and messages go, or null to record nothing
     * @param connection the connection's number
     * @param layer      the layer every line of it travels in
     * @param profile    how it presents itself
     * @return a fresh conversation, in the state after the greeting (and after STARTTLS, inside TLS)
     */
    public static Conversation open(MailProtocol protocol, Recording recording, int connection, Layer layer, Profile profile) {
        return switch (protocol) {
            case SMTP, LMTP -> new SmtpConversation(protocol, recording, connection, layer, profile);
            case IMAP -> new ImapConversation(protocol, recording, connection, layer, profile);
            case POP3 -> new Pop3Conversation(protocol, recording, connection, layer, profile);
            case SIEVE -> new SieveConversation(protocol, recording, connection, layer, profile);
            case NNTP -> new NntpConversation(protocol, recording, connection, layer, profile);
        };
    }

    /**
     * What the reference servers announce: before TLS without login (the negotiation adds
     * STARTTLS/STLS), inside TLS with it.
     *
     * @param protocol the protocol
     * @param withLogin whether to include the ways to log in
     * @return the capabilities
     */
    public static Capabilities capabilities(MailProtocol protocol, boolean withLogin) {
        List<String> list = new ArrayList<>(switch (protocol) {
            case SMTP -> List.of("PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES");
            case IMAP -> List.of("IMAP4rev1", "ID", "NAMESPACE", "UNSELECT", "LITERAL+");
            case POP3 -> List.of("UIDL", "TOP", "RESP-CODES", "PIPELINING", "IMPLEMENTATION starttls4j");
            case LMTP -> List.of("PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME");
            case SIEVE -> List.of("IMPLEMENTATION starttls4j", "SIEVE fileinto reject envelope vacation", "SASL PLAIN", "VERSION 1.0");
            case NNTP -> List.of("VERSION 2", "READER", "LIST ACTIVE NEWSGROUPS", "AUTHINFO USER");
        });
        if (withLogin) {
            switch (protocol) {
                case SMTP -> list.add("AUTH PLAIN LOGIN");
                case LMTP -> list.add("AUTH PLAIN");
                case IMAP -> list.add("AUTH=PLAIN");
                case POP3 -> {
                    list.add("USER");
                    list.add("SASL PLAIN");
                }
                case NNTP -> list.add(2, "POST");
                default -> {
                }
            }
        }
        List<Capability> capabilities = new ArrayList<>();
        for (String one : list) {
            String[] words = one.split(" ");
            capabilities.add(new Capability(words[0], List.of(words).subList(1, words.length)));
        }
        return new Capabilities(capabilities);
    }

    /**
     * What the application sends, unasked, as soon as it has the connection.
     *
     * @return the bytes as ISO-8859-1 text; empty for nothing
     */
    public String opening() {
        return "";
    }

    /**
     * Answers one line from the client (without its CRLF) and records it.
     *
     * @param line the line
     * @return what to send back
     */
    public abstract Answer onLine(String line);

    /**
     * The line as a log shows it: call before {@link #onLine}, which may change the state.
     *
     * @param line the line
     * @return the line with credentials and message text masked, or null to log nothing
     */
    public abstract String logged(String line);

    /**
     * Whether the conversation expects the client's next line to be data (message text, a literal), not a command.
     *
     * @return true inside SMTP {@code DATA} or an IMAP or ManageSieve literal
     */
    public boolean readingData() {
        return false;
    }

    /**
     * Whether {@code line}, in plaintext, asks for TLS: the STARTTLS (STLS) command without arguments.
     *
     * @param protocol the protocol
     * @param line     a command line without CRLF
     * @return whether a server that allows TLS later should resume the negotiation here
     */
    public static boolean asksForTls(MailProtocol protocol, String line) {
        String[] words = line.trim().split(" ");
        int at = protocol.isTagged() ? 1 : 0;
        return words.length == at + 1 && words[at].equalsIgnoreCase(protocol.startTlsCommand());
    }

    /**
     * Masks credentials in a line the negotiation read before the hand-over (it never continues a SASL exchange).
     *
     * @param line a command line
     * @return the line with any password or SASL response replaced by {@link #MASK}
     */
    public static String maskCommand(String line) {
        String[] words = line.split(" ");
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("PASS ")) {
            return "PASS " + MASK;
        }
        if (upper.startsWith("AUTHINFO PASS ")) {
            return "AUTHINFO PASS " + MASK;
        }
        if ((upper.startsWith("AUTH ") || upper.startsWith("AUTHENTICATE ")) && words.length > 2) {
            return words[0] + " " + words[1] + " " + MASK;
        }
        if (words.length > 3) {
            String verb = words[1].toUpperCase(Locale.ROOT);
            if (verb.equals("LOGIN") || verb.equals("AUTHENTICATE") || verb.equals("SASL")) {
                return words[0] + " " + words[1] + " " + words[2] + " " + MASK;
            }
        }
        return line;
    }

    boolean loginAllowed() {
        return encrypted || config.allowAuthBeforeTls();
    }

    void record(String line) {
        if (recording != null) {
            recording.add(new ReceivedCommand(connection, layer, line, Instant.now()));
        }
    }

    void login(String mechanism, String user, String password) {
        if (recording != null) {
            recording.add(new Credentials(connection, layer, mechanism, user, password));
        }
    }

    void deliver(org.starttls4j.testkit.DeliveredMessage message) {
        if (recording != null && keepMessages) {
            recording.add(message);
        }
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

    /** The configured capabilities a plaintext session shows: without STARTTLS/STLS, and without login unless allowed. */
    List<Capability> inPlaintext() {
        List<Capability> list = new ArrayList<>();
        for (Capability c : config.capabilitiesBeforeTls().list()) {
            String name = c.name().toUpperCase(Locale.ROOT);
            boolean isLogin = name.equals("AUTH") || name.startsWith("AUTH=") || name.equals("USER")
                    || name.equals("SASL") || name.equals("AUTHINFO");
            if (!name.equals("STARTTLS") && !name.equals("STLS") && (!isLogin || config.allowAuthBeforeTls())) {
                list.add(c);
            }
        }
        return list;
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
