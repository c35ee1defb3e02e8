package org.starttls4j.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.imap.Imap;
import org.starttls4j.lmtp.Lmtp;
import org.starttls4j.nntp.Nntp;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.sieve.ManageSieve;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.text.Literal;

/**
 * The reference server's application: what it answers once a negotiation has handed a
 * connection over, line by line, without I/O (both adapters feed it). Enough of each protocol
 * for common clients to finish a session against an empty mailbox; credentials are accepted
 * whatever they are, and only inside TLS.
 *
 * <pre>
 * SMTP  EHLO HELO NOOP RSET MAIL RCPT DATA (accepted, discarded) AUTH PLAIN/LOGIN VRFY HELP QUIT
 * IMAP  CAPABILITY NOOP LOGIN AUTHENTICATE PLAIN LIST LSUB SELECT EXAMINE STATUS CLOSE UNSELECT
 *       CHECK ID NAMESPACE ENABLE SEARCH FETCH (empty INBOX) LOGOUT
 * POP3  CAPA USER PASS AUTH PLAIN STAT LIST UIDL RETR DELE TOP RSET NOOP QUIT (empty maildrop)
 * LMTP  as SMTP with LHLO (no EHLO/HELO), one reply per recipient after DATA
 * Sieve CAPABILITY AUTHENTICATE PLAIN LISTSCRIPTS HAVESPACE PUTSCRIPT CHECKSCRIPT (accepted, discarded)
 *       SETACTIVE GETSCRIPT DELETESCRIPT RENAMESCRIPT (no scripts) NOOP UNAUTHENTICATE LOGOUT;
 *       after STARTTLS it speaks first: the capabilities again ({@link #opening()})
 * NNTP  CAPABILITIES MODE READER AUTHINFO USER/PASS/SASL PLAIN LIST LIST NEWSGROUPS GROUP (no groups)
 *       NEWGROUPS POST (refused) HELP DATE QUIT
 * </pre>
 *
 * <p>{@link #logged(String)} gives the form of a line fit for a log: passwords, SASL responses and
 * message contents are masked.
 */
abstract class Conversation {

    /**
     * What to send back after one line.
     *
     * @param send  the reply, CRLF included; empty for none
     * @param close whether to close the connection after sending it
     */
    record Answer(String send, boolean close) {
        static Answer of(String send) {
            return new Answer(send, false);
        }
    }

    static final String MASK = "****";

    final ServerConfig config;
    final boolean encrypted;

    Conversation(ServerConfig config, boolean encrypted) {
        this.config = config;
        this.encrypted = encrypted;
    }

    /** A conversation for {@code protocol} on a connection that is (or is not) encrypted. */
    static Conversation open(Protocol protocol, ServerConfig config, boolean encrypted) {
        return switch (protocol) {
            case SMTP -> new SmtpConversation(config, encrypted, false);
            case LMTP -> new SmtpConversation(config, encrypted, true);
            case IMAP -> new ImapConversation(config, encrypted);
            case POP3 -> new Pop3Conversation(config, encrypted);
            case SIEVE -> new SieveConversation(config, encrypted);
            case NNTP -> new NntpConversation(config, encrypted);
        };
    }

    /** What the application sends, unasked, as soon as it has the connection; empty for nothing. */
    String opening() {
        return "";
    }

    /** Answers one line from the client (without its CRLF). */
    abstract Answer onLine(String line);

    /** The line as the log shows it (call before {@link #onLine}, which may change the state), or null to log nothing. */
    abstract String logged(String line);

    /** Masks credentials in a line the negotiation read before the hand-over (it never continues a SASL exchange). */
    static String maskCommand(String line) {
        String[] words = line.split(" ");
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("PASS ")) {
            return "PASS " + MASK;
        }
        if (upper.startsWith("AUTH ") && words.length > 2) {
            return words[0] + " " + words[1] + " " + MASK;
        }
        if (words.length > 1) {
            String verb = words[1].toUpperCase(Locale.ROOT);
            if (verb.equals("LOGIN") && words.length > 3) {
                return words[0] + " " + words[1] + " " + words[2] + " " + MASK;
            }
            if (verb.equals("AUTHENTICATE") && words.length > 3) {
                return words[0] + " " + words[1] + " " + words[2] + " " + MASK;
            }
        }
        return line;
    }

    static String verb(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    static String argument(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? "" : line.substring(space + 1).trim();
    }

    /** The configured capabilities without authentication and without STARTTLS/STLS: what a plaintext session shows. */
    static List<Capability> withoutLogin(Capabilities capabilities) {
        List<Capability> list = new ArrayList<>();
        for (Capability c : capabilities.list()) {
            String name = c.name().toUpperCase(Locale.ROOT);
            if (!name.equals("AUTH") && !name.startsWith("AUTH=") && !name.equals("USER") && !name.equals("SASL")
                    && !name.equals("STARTTLS") && !name.equals("STLS")) {
                list.add(c);
            }
        }
        return list;
    }

    // ------------------------------------------------------------------ SMTP

    private static final class SmtpConversation extends Conversation {
        private enum Stage { COMMAND, DATA, AUTH_PLAIN, AUTH_LOGIN_USER, AUTH_LOGIN_PASSWORD }

        private final boolean lmtp;
        private Stage stage = Stage.COMMAND;
        private boolean mail;
        private int recipients;
        private long dataLines;

        SmtpConversation(ServerConfig config, boolean encrypted, boolean lmtp) {
            super(config, encrypted);
            this.lmtp = lmtp;
        }

        @Override
        String logged(String line) {
            return switch (stage) {
                case DATA -> line.equals(".") ? "(end of message data, " + Words.plural(dataLines, "line") + ")" : null;
                case AUTH_PLAIN, AUTH_LOGIN_USER, AUTH_LOGIN_PASSWORD -> MASK;
                default -> maskCommand(line);
            };
        }

        @Override
        Answer onLine(String line) {
            switch (stage) {
                case DATA:
                    if (line.equals(".")) {
                        stage = Stage.COMMAND;
                        mail = false;
                        // RFC 2033 §4.2: LMTP answers the end of data once per accepted recipient.
                        String accepted = "250 2.0.0 OK: message accepted and discarded\r\n".repeat(lmtp ? recipients : 1);
                        recipients = 0;
                        return Answer.of(accepted);
                    }
                    dataLines++;
                    return Answer.of("");
                case AUTH_PLAIN:
                case AUTH_LOGIN_PASSWORD:
                    stage = Stage.COMMAND;
                    return line.equals("*") ? Answer.of("501 5.7.0 Authentication cancelled\r\n")
                            : Answer.of("235 2.7.0 Authentication successful\r\n");
                case AUTH_LOGIN_USER:
                    if (line.equals("*")) {
                        stage = Stage.COMMAND;
                        return Answer.of("501 5.7.0 Authentication cancelled\r\n");
                    }
                    stage = Stage.AUTH_LOGIN_PASSWORD;
                    return Answer.of("334 UGFzc3dvcmQ6\r\n");
                default:
                    return command(line);
            }
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
                    mail = false;
                    recipients = 0;
                    return Answer.of(encrypted ? (lmtp ? Lmtp.lhloReplyAfterTls(config, arg) : Smtp.ehloReplyAfterTls(config, arg))
                            : ehloInPlaintext(arg));
                case "HELO":
                    return Answer.of(arg.isEmpty() ? "501 5.5.4 Syntax: HELO hostname\r\n" : "250 " + config.hostname() + "\r\n");
                case "NOOP":
                    return Answer.of("250 2.0.0 OK\r\n");
                case "RSET":
                    mail = false;
                    recipients = 0;
                    return Answer.of("250 2.0.0 OK\r\n");
                case "MAIL":
                    if (!arg.toUpperCase(Locale.ROOT).startsWith("FROM:")) {
                        return Answer.of("501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
                    }
                    mail = true;
                    recipients = 0;
                    return Answer.of("250 2.1.0 OK\r\n");
                case "RCPT":
                    if (!mail) {
                        return Answer.of("503 5.5.1 Error: need MAIL command\r\n");
                    }
                    if (!arg.toUpperCase(Locale.ROOT).startsWith("TO:")) {
                        return Answer.of("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
                    }
                    recipients++;
                    return Answer.of("250 2.1.5 OK\r\n");
                case "DATA":
                    if (recipients == 0) {
                        return Answer.of("503 5.5.1 Error: need RCPT command\r\n");
                    }
                    stage = Stage.DATA;
                    dataLines = 0;
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
            if (!encrypted) {
                return Answer.of("538 5.7.11 Encryption required for requested authentication mechanism\r\n");
            }
            String[] words = arg.split(" ");
            String mechanism = words[0].toUpperCase(Locale.ROOT);
            if (mechanism.equals("PLAIN")) {
                if (words.length > 1) {
                    return Answer.of("235 2.7.0 Authentication successful\r\n");
                }
                stage = Stage.AUTH_PLAIN;
                return Answer.of("334 \r\n");
            }
            if (mechanism.equals("LOGIN")) {
                if (words.length > 1) {
                    stage = Stage.AUTH_LOGIN_PASSWORD;
                    return Answer.of("334 UGFzc3dvcmQ6\r\n");
                }
                stage = Stage.AUTH_LOGIN_USER;
                return Answer.of("334 VXNlcm5hbWU6\r\n");
            }
            return Answer.of("504 5.5.4 Unrecognized authentication type\r\n");
        }

        private String ehloInPlaintext(String client) {
            List<Capability> list = withoutLogin(config.capabilitiesBeforeTls());
            StringBuilder reply = new StringBuilder();
            reply.append(list.isEmpty() ? "250 " : "250-").append(config.hostname()).append(" greets ").append(client).append("\r\n");
            for (int i = 0; i < list.size(); i++) {
                reply.append(i == list.size() - 1 ? "250 " : "250-").append(list.get(i)).append("\r\n");
            }
            return reply.toString();
        }
    }

    // ------------------------------------------------------------------ IMAP

    private static final class ImapConversation extends Conversation {
        private enum Stage { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED }

        private Stage stage = Stage.NOT_AUTHENTICATED;
        private String authenticating; // the tag of an AUTHENTICATE awaiting its response line

        ImapConversation(ServerConfig config, boolean encrypted) {
            super(config, encrypted);
        }

        @Override
        String logged(String line) {
            return authenticating != null ? MASK : maskCommand(line);
        }

        @Override
        Answer onLine(String line) {
            if (authenticating != null) {
                String tag = authenticating;
                authenticating = null;
                if (line.equals("*")) {
                    return Answer.of(tag + " BAD AUTHENTICATE cancelled\r\n");
                }
                stage = Stage.AUTHENTICATED;
                return Answer.of(tag + " OK AUTHENTICATE completed\r\n");
            }
            int space = line.indexOf(' ');
            if (space <= 0) {
                return Answer.of("* BAD Missing command\r\n");
            }
            String tag = line.substring(0, space);
            if (!tag.chars().allMatch(c -> c > 0x20 && c < 0x7f && "(){%*\"\\+".indexOf(c) < 0)) {
                return Answer.of("* BAD Invalid tag\r\n");
            }
            String rest = line.substring(space + 1);
            if (rest.endsWith("}")) {
                return Answer.of(tag + " BAD Literals are not supported by this reference server\r\n");
            }
            String verb = verb(rest);
            String arg = argument(rest);
            if (verb.equals("UID")) {
                verb = verb(arg);
                arg = argument(arg);
            }
            switch (verb) {
                case "CAPABILITY":
                    return Answer.of(encrypted ? Imap.capabilityResponseAfterTls(config, tag)
                            : "* CAPABILITY " + capabilityAtoms(withoutLogin(config.capabilitiesBeforeTls())) + " LOGINDISABLED\r\n"
                            + tag + " OK CAPABILITY completed\r\n");
                case "NOOP":
                case "CHECK":
                case "ENABLE":
                    return ok(tag, verb);
                case "LOGIN":
                    if (!encrypted) {
                        return Answer.of(tag + " NO [PRIVACYREQUIRED] LOGIN only inside TLS\r\n");
                    }
                    if (arg.isEmpty() || arg.split(" ").length < 2) {
                        return Answer.of(tag + " BAD LOGIN needs a user name and a password\r\n");
                    }
                    stage = Stage.AUTHENTICATED;
                    return Answer.of(tag + " OK [CAPABILITY IMAP4rev1] LOGIN completed\r\n");
                case "AUTHENTICATE":
                    if (!encrypted) {
                        return Answer.of(tag + " NO [PRIVACYREQUIRED] AUTHENTICATE only inside TLS\r\n");
                    }
                    String[] words = arg.split(" ");
                    if (!words[0].equalsIgnoreCase("PLAIN")) {
                        return Answer.of(tag + " NO Unsupported authentication mechanism\r\n");
                    }
                    if (words.length > 1) {
                        stage = Stage.AUTHENTICATED;
                        return Answer.of(tag + " OK AUTHENTICATE completed\r\n");
                    }
                    authenticating = tag;
                    return Answer.of("+ \r\n");
                case "LIST":
                case "LSUB":
                    if (stage == Stage.NOT_AUTHENTICATED) {
                        return notAuthenticated(tag);
                    }
                    String[] parts = arg.trim().split(" ");
                    if (parts[parts.length - 1].equals("\"\"")) {
                        // RFC 9051 §6.3.9: an empty pattern asks for the hierarchy delimiter
                        return Answer.of("* " + verb + " (\\Noselect) \"/\" \"\"\r\n" + tag + " OK " + verb + " completed\r\n");
                    }
                    return Answer.of("* " + verb + " (\\HasNoChildren) \"/\" INBOX\r\n" + tag + " OK " + verb + " completed\r\n");
                case "SELECT":
                case "EXAMINE":
                    if (stage == Stage.NOT_AUTHENTICATED) {
                        return notAuthenticated(tag);
                    }
                    if (!unquote(arg).equalsIgnoreCase("INBOX")) {
                        return Answer.of(tag + " NO [NONEXISTENT] Mailbox does not exist\r\n");
                    }
                    stage = Stage.SELECTED;
                    return Answer.of("* 0 EXISTS\r\n* 0 RECENT\r\n"
                            + "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                            + "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] Flags permitted\r\n"
                            + "* OK [UIDVALIDITY 1] UIDs valid\r\n* OK [UIDNEXT 1] Predicted next UID\r\n"
                            + tag + " OK [" + (verb.equals("SELECT") ? "READ-WRITE" : "READ-ONLY") + "] " + verb + " completed\r\n");
                case "STATUS":
                    if (stage == Stage.NOT_AUTHENTICATED) {
                        return notAuthenticated(tag);
                    }
                    return Answer.of("* STATUS INBOX (MESSAGES 0 RECENT 0 UIDNEXT 1 UIDVALIDITY 1 UNSEEN 0)\r\n"
                            + tag + " OK STATUS completed\r\n");
                case "CLOSE":
                case "UNSELECT":
                    if (stage != Stage.SELECTED) {
                        return Answer.of(tag + " BAD No mailbox selected\r\n");
                    }
                    stage = Stage.AUTHENTICATED;
                    return ok(tag, verb);
                case "SEARCH":
                    if (stage != Stage.SELECTED) {
                        return Answer.of(tag + " BAD No mailbox selected\r\n");
                    }
                    return Answer.of("* SEARCH\r\n" + tag + " OK SEARCH completed\r\n");
                case "FETCH":
                case "STORE":
                case "EXPUNGE":
                    if (stage != Stage.SELECTED) {
                        return Answer.of(tag + " BAD No mailbox selected\r\n");
                    }
                    return ok(tag, verb);
                case "ID":
                    return Answer.of("* ID (\"name\" \"starttls4j reference server\")\r\n" + tag + " OK ID completed\r\n");
                case "NAMESPACE":
                    return Answer.of("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n" + tag + " OK NAMESPACE completed\r\n");
                case "STARTTLS":
                    return Answer.of(encrypted ? Imap.startTlsAfterTlsResponse(tag)
                            : tag + " BAD TLS not available after the session went on in plaintext\r\n");
                case "LOGOUT":
                    return new Answer("* BYE Logging out\r\n" + tag + " OK LOGOUT completed\r\n", true);
                default:
                    return Answer.of(tag + " BAD Unknown command\r\n");
            }
        }

        private static Answer ok(String tag, String verb) {
            return Answer.of(tag + " OK " + verb + " completed\r\n");
        }

        private static Answer notAuthenticated(String tag) {
            return Answer.of(tag + " NO Log in first\r\n");
        }

        private static String unquote(String s) {
            String t = s.trim();
            return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
        }

        private static String capabilityAtoms(List<Capability> list) {
            StringBuilder s = new StringBuilder();
            for (Capability c : list) {
                if (s.length() > 0) {
                    s.append(' ');
                }
                s.append(c.name());
            }
            return s.length() == 0 ? "IMAP4rev1" : s.toString();
        }
    }

    // ------------------------------------------------------------------ POP3

    private static final class Pop3Conversation extends Conversation {
        private boolean transaction;
        private boolean userGiven;
        private boolean authenticating;

        Pop3Conversation(ServerConfig config, boolean encrypted) {
            super(config, encrypted);
        }

        @Override
        String logged(String line) {
            return authenticating ? MASK : maskCommand(line);
        }

        @Override
        Answer onLine(String line) {
            if (authenticating) {
                authenticating = false;
                if (line.equals("*")) {
                    return Answer.of("-ERR AUTH cancelled\r\n");
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
                    withoutLogin(config.capabilitiesBeforeTls()).forEach(c -> s.append(c).append("\r\n"));
                    return Answer.of(s.append(".\r\n").toString());
                case "USER":
                    if (!encrypted) {
                        return Answer.of("-ERR [AUTH] Plaintext authentication is disallowed without TLS\r\n");
                    }
                    if (transaction || arg.isEmpty()) {
                        return Answer.of("-ERR USER needs a name, before logging in\r\n");
                    }
                    userGiven = true;
                    return Answer.of("+OK\r\n");
                case "PASS":
                    if (!encrypted) {
                        return Answer.of("-ERR [AUTH] Plaintext authentication is disallowed without TLS\r\n");
                    }
                    if (!userGiven || transaction) {
                        return Answer.of("-ERR USER first\r\n");
                    }
                    transaction = true;
                    return Answer.of("+OK Logged in\r\n");
                case "AUTH":
                    if (arg.isEmpty()) {
                        return Answer.of("+OK\r\nPLAIN\r\n.\r\n");
                    }
                    if (!encrypted) {
                        return Answer.of("-ERR [AUTH] Plaintext authentication is disallowed without TLS\r\n");
                    }
                    String[] words = arg.split(" ");
                    if (!words[0].equalsIgnoreCase("PLAIN") || transaction) {
                        return Answer.of("-ERR Unsupported mechanism\r\n");
                    }
                    if (words.length > 1) {
                        transaction = true;
                        return Answer.of("+OK Logged in\r\n");
                    }
                    authenticating = true;
                    return Answer.of("+ \r\n");
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

    // ------------------------------------------------------------------ ManageSieve

    private static final class SieveConversation extends Conversation {
        private boolean authenticated;
        private boolean authenticating;
        /** The script literal being read (PUTSCRIPT, CHECKSCRIPT), or null. */
        private Literal script;
        private String afterScript;

        SieveConversation(ServerConfig config, boolean encrypted) {
            super(config, encrypted);
        }

        @Override
        String opening() {
            // RFC 5804 §2.2: after STARTTLS the server re-issues its capabilities, unasked.
            return encrypted && config.policy() != TlsPolicy.IMPLICIT ? ManageSieve.capabilitiesAfterTls(config) : "";
        }

        @Override
        String logged(String line) {
            if (script != null) {
                return null;
            }
            if (authenticating) {
                return MASK;
            }
            String[] words = line.split(" ");
            return verb(line).equals("AUTHENTICATE") && words.length > 2 ? words[0] + " " + words[1] + " " + MASK : line;
        }

        @Override
        Answer onLine(String line) {
            if (script != null) {
                Literal.Advance advance = script.advance(line);
                if (advance instanceof Literal.Inside inside) {
                    script = inside.next();
                    return Answer.of("");
                }
                script = null;
                return Answer.of(afterScript);
            }
            if (authenticating) {
                authenticating = false;
                if (line.equals("\"*\"")) {
                    return Answer.of("NO \"Authentication cancelled\"\r\n");
                }
                authenticated = true;
                return Answer.of("OK \"Logged in\"\r\n");
            }
            String verb = verb(line);
            String arg = argument(line);
            switch (verb) {
                case "CAPABILITY":
                    return Answer.of(encrypted ? ManageSieve.capabilitiesAfterTls(config) : plaintextCapabilities());
                case "AUTHENTICATE":
                    if (!encrypted) {
                        return Answer.of("NO (ENCRYPT-NEEDED) \"Authentication requires TLS\"\r\n");
                    }
                    if (authenticated || !arg.toUpperCase(Locale.ROOT).startsWith("\"PLAIN\"")) {
                        return Answer.of("NO \"Unsupported mechanism, or logged in already\"\r\n");
                    }
                    if (arg.contains(" ")) {
                        authenticated = true;
                        return Answer.of("OK \"Logged in\"\r\n");
                    }
                    authenticating = true;
                    return Answer.of("\"\"\r\n");
                case "NOOP":
                    // RFC 5804 §2.11: a string argument comes back in a TAG response code (sieve-connect
                    // sends NOOP "STARTTLS-RESYNC-CAPA" after TLS and waits for exactly that).
                    return Answer.of(arg.isEmpty() ? "OK \"NOOP completed\"\r\n" : "OK (TAG " + arg + ") \"Done\"\r\n");
                case "LOGOUT":
                    return new Answer("OK \"Logout completed\"\r\n", true);
                case "STARTTLS":
                    return Answer.of(encrypted ? ManageSieve.REPLY_TLS_ALREADY_ACTIVE : "NO \"TLS not available now\"\r\n");
                case "UNAUTHENTICATE":
                    authenticated = false;
                    return Answer.of("OK\r\n");
                default:
                    break;
            }
            if (!authenticated) {
                return Answer.of("NO \"Log in first\"\r\n");
            }
            String answer = switch (verb) {
                case "LISTSCRIPTS" -> "OK \"Listscripts completed\"\r\n";
                case "HAVESPACE", "PUTSCRIPT", "CHECKSCRIPT" -> "OK\r\n";
                case "SETACTIVE" -> arg.equals("\"\"") ? "OK\r\n" : "NO (NONEXISTENT) \"There is no such script\"\r\n";
                case "GETSCRIPT", "DELETESCRIPT", "RENAMESCRIPT" -> "NO (NONEXISTENT) \"There is no such script\"\r\n";
                default -> "NO \"Unknown command\"\r\n";
            };
            long size = Literal.announcedBy(line);
            if (size >= 0) {
                // The script follows as a literal: read past it (it is discarded), then answer.
                script = new Literal(size);
                afterScript = answer;
                return Answer.of("");
            }
            return Answer.of(answer);
        }

        private String plaintextCapabilities() {
            StringBuilder s = new StringBuilder();
            for (Capability c : withoutLogin(config.capabilitiesBeforeTls())) {
                s.append('"').append(c.name()).append('"');
                if (!c.parameters().isEmpty()) {
                    s.append(" \"").append(String.join(" ", c.parameters())).append('"');
                }
                s.append("\r\n");
            }
            return s.append("\"SASL\" \"\"\r\nOK \"Capability completed\"\r\n").toString();
        }
    }

    // ------------------------------------------------------------------ NNTP

    private static final class NntpConversation extends Conversation {
        private boolean userGiven;
        private boolean authenticated;

        NntpConversation(ServerConfig config, boolean encrypted) {
            super(config, encrypted);
        }

        @Override
        String logged(String line) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("AUTHINFO PASS ")) {
                return "AUTHINFO PASS " + MASK;
            }
            if (upper.startsWith("AUTHINFO SASL ") && line.split(" ").length > 3) {
                String[] words = line.split(" ");
                return words[0] + " " + words[1] + " " + words[2] + " " + MASK;
            }
            return line;
        }

        @Override
        Answer onLine(String line) {
            String verb = verb(line);
            String arg = argument(line).toUpperCase(Locale.ROOT);
            switch (verb) {
                case "CAPABILITIES":
                    if (encrypted) {
                        return Answer.of(Nntp.capabilitiesReplyAfterTls(config));
                    }
                    StringBuilder s = new StringBuilder("101 Capability list:\r\n");
                    withoutLogin(config.capabilitiesBeforeTls()).stream().filter(c -> !c.is("AUTHINFO"))
                            .forEach(c -> s.append(c).append("\r\n"));
                    return Answer.of(s.append(".\r\n").toString());
                case "MODE":
                    return Answer.of(arg.equals("READER") ? "200 Reader mode, posting permitted\r\n" : "501 Unknown MODE\r\n");
                case "AUTHINFO":
                    return authinfo(arg);
                case "LIST":
                    return Answer.of(arg.isEmpty() || arg.equals("ACTIVE") || arg.equals("NEWSGROUPS")
                            ? "215 Information follows\r\n.\r\n" : "501 Unknown LIST keyword\r\n");
                case "NEWGROUPS":
                    return Answer.of("231 List of new newsgroups follows\r\n.\r\n");
                case "GROUP":
                    return Answer.of("411 No such newsgroup\r\n");
                case "POST":
                    return Answer.of("440 Posting not permitted\r\n");
                case "DATE":
                    return Answer.of("111 " + java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                            .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)) + "\r\n");
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
            if (!encrypted) {
                return Answer.of("483 Encryption required\r\n");
            }
            if (authenticated) {
                return Answer.of("502 Already authenticated\r\n");
            }
            if (arg.startsWith("USER ")) {
                userGiven = true;
                return Answer.of("381 Password required\r\n");
            }
            if (arg.startsWith("PASS ")) {
                if (!userGiven) {
                    return Answer.of("482 USER first\r\n");
                }
                authenticated = true;
                return Answer.of("281 Authentication accepted\r\n");
            }
            if (arg.startsWith("SASL PLAIN ")) {
                authenticated = true;
                return Answer.of("281 Authentication accepted\r\n");
            }
            return Answer.of("501 Unsupported AUTHINFO\r\n");
        }
    }
}
