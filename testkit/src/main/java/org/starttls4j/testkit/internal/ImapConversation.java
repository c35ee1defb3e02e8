package org.starttls4j.testkit.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Capability;
import org.starttls4j.imap.Imap;
import org.starttls4j.testkit.DeliveredMessage;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.Recording;
import org.starttls4j.text.Literal;

/**
 * IMAP after the negotiation, against an empty INBOX: see {@link Conversation}. A command may
 * carry literals (RFC 9051 §4.3), synchronizing {@code {n}} (answered with a continuation request)
 * or non-synchronizing {@code {n+}} (LITERAL+, RFC 7888): a literal in an ordinary command (a
 * LOGIN password) is kept up to {@link #MAX_ARGUMENT_LITERAL} bytes, an APPEND's message up to
 * {@link #MAX_APPEND} bytes; a bigger one is refused before it is sent, or ends the connection
 * when the client sends it unasked.
 */
final class ImapConversation extends Conversation {

    /** The longest literal an ordinary command may carry: names and passwords are short. */
    static final int MAX_ARGUMENT_LITERAL = 8 * 1024;
    /** The largest message APPEND takes. */
    static final int MAX_APPEND = 10 * 1024 * 1024;
    /** The longest command, literals included, APPEND's message excluded. */
    private static final int MAX_COMMAND = 64 * 1024;

    private enum Stage { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED }

    private Stage stage = Stage.NOT_AUTHENTICATED;
    private String authenticating; // the tag of an AUTHENTICATE awaiting its response line
    private int appended;

    /** The command being read, with its literals; an APPEND's message is never larger than {@link #MAX_APPEND}. */
    private final LiteralCommand literals = new LiteralCommand(MAX_APPEND);
    private boolean literalIsMessage;
    private String literalAnnounced;

    ImapConversation(MailProtocol protocol, Recording recording, int connection, Layer layer, Profile profile) {
        super(protocol, recording, connection, layer, profile);
    }

    @Override
    public boolean readingData() {
        return literals.readingLiteral();
    }

    @Override
    public String logged(String line) {
        if (literals.readingLiteral()) {
            return literalIsMessage ? null : MASK;
        }
        return authenticating != null ? MASK : maskCommand(line);
    }

    @Override
    public Answer onLine(String line) {
        if (literals.readingLiteral()) {
            return literalLine(line);
        }
        if (authenticating != null) {
            record(line);
            String tag = authenticating;
            authenticating = null;
            if (line.equals("*")) {
                return Answer.of(tag + " BAD AUTHENTICATE cancelled\r\n");
            }
            if (!plain("AUTHENTICATE PLAIN", line)) {
                return Answer.of(tag + " BAD Cannot decode the response\r\n");
            }
            stage = Stage.AUTHENTICATED;
            return Answer.of(tag + " OK AUTHENTICATE completed\r\n");
        }
        return commandPart(line);
    }

    /** A line (or the rest of one after a literal) of a command: complete, or announcing a literal. */
    private Answer commandPart(String part) {
        long size = Literal.announcedBy(part);
        if (size < 0) {
            String whole = literals.finish(part);
            record(whole);
            return command(whole);
        }
        String sofar = literals.head(part);
        String tag = sofar.split(" ", 2)[0];
        boolean message = verbOf(sofar).equals("APPEND");
        boolean synchronizing = !Literal.isNonSynchronizing(part);
        long max = message ? MAX_APPEND : MAX_ARGUMENT_LITERAL;
        if (size > max || sofar.length() > MAX_COMMAND) {
            literals.abandon();
            record(sofar + "{" + size + (synchronizing ? "}" : "+}"));
            if (synchronizing) {
                // RFC 9051 §7.1: the client has not sent the literal; it reads this instead of a continuation request
                return Answer.of(tag + " NO [TOOBIG] A literal of " + size + " bytes is more than this server takes ("
                        + max + ")\r\n");
            }
            // RFC 7888 §4: the client sends a non-synchronizing literal unasked; the server cannot read past it
            return new Answer("* BYE [TOOBIG] A literal of " + size + " bytes is more than this server takes (" + max + ")\r\n", true);
        }
        literals.startLiteral(sofar, size);
        literalIsMessage = message;
        literalAnnounced = part.substring(part.lastIndexOf('{'));
        return Answer.of(synchronizing ? "+ Ready for literal data\r\n" : "");
    }

    private Answer literalLine(String line) {
        Literal.Advance advance = literals.read(line);
        if (advance instanceof Literal.Inside) {
            // at 0 the literal ended with this line's CRLF: the next line continues the command
            return Answer.of("");
        }
        if (advance instanceof Literal.Ended ended) {
            return literalEnded(ended.rest());
        }
        // the literal ended between CR and LF: the command's framing is broken
        String tag = literals.abandon().split(" ", 2)[0];
        return new Answer("* BYE Literal ended inside a line ending\r\n" + tag + " BAD Literal ended inside a line ending\r\n", true);
    }

    private Answer literalEnded(String rest) {
        if (literalIsMessage) {
            String content = literals.content();
            String sofar = literals.abandon();
            record(sofar + literalAnnounced + rest);
            return append(sofar, content.getBytes(StandardCharsets.ISO_8859_1));
        }
        literals.quoteContent();
        return commandPart(rest);
    }

    private static String verbOf(String command) {
        String[] words = command.trim().split(" +");
        String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
        return verb.equals("UID") && words.length > 2 ? words[2].toUpperCase(Locale.ROOT) : verb;
    }

    private Answer append(String command, byte[] message) {
        String tag = command.split(" ", 2)[0];
        if (stage == Stage.NOT_AUTHENTICATED) {
            return notAuthenticated(tag);
        }
        List<String> words = imapArguments(command.split(" +", 3).length > 2 ? command.split(" +", 3)[2] : "");
        String mailbox = words.isEmpty() ? "" : words.get(0);
        if (!mailbox.equalsIgnoreCase("INBOX")) {
            return Answer.of(tag + " NO [TRYCREATE] Mailbox does not exist\r\n");
        }
        appended++;
        deliver(new DeliveredMessage(connection, layer, "", List.of("INBOX"), message));
        return Answer.of(tag + " OK [APPENDUID 1 " + appended + "] APPEND completed\r\n");
    }

    private Answer command(String line) {
        int space = line.indexOf(' ');
        if (space <= 0) {
            return Answer.of("* BAD Missing command\r\n");
        }
        String tag = line.substring(0, space);
        if (!tag.chars().allMatch(c -> c > 0x20 && c < 0x7f && "(){%*\"\\+".indexOf(c) < 0)) {
            return Answer.of("* BAD Invalid tag\r\n");
        }
        String rest = line.substring(space + 1);
        String verb = verb(rest);
        String arg = argument(rest);
        if (verb.equals("UID")) {
            verb = verb(arg);
            arg = argument(arg);
        }
        switch (verb) {
            case "CAPABILITY":
                return Answer.of(encrypted ? Imap.capabilityResponseAfterTls(config, tag)
                        : "* CAPABILITY " + plaintextCapabilities() + "\r\n" + tag + " OK CAPABILITY completed\r\n");
            case "NOOP":
            case "CHECK":
            case "ENABLE":
                return ok(tag, verb);
            case "LOGIN": {
                if (!loginAllowed()) {
                    return Answer.of(tag + " NO [PRIVACYREQUIRED] LOGIN only inside TLS\r\n");
                }
                List<String> words = imapArguments(arg);
                if (words.size() < 2) {
                    return Answer.of(tag + " BAD LOGIN needs a user name and a password\r\n");
                }
                // a literal carries bytes: UTF-8 where they are (RFC 9051 §6.2.3), else ISO-8859-1
                login("LOGIN", utf8(words.get(0)), utf8(words.get(1)));
                stage = Stage.AUTHENTICATED;
                return Answer.of(tag + " OK LOGIN completed\r\n");
            }
            case "AUTHENTICATE": {
                if (!loginAllowed()) {
                    return Answer.of(tag + " NO [PRIVACYREQUIRED] AUTHENTICATE only inside TLS\r\n");
                }
                String[] words = arg.split(" ");
                if (!words[0].equalsIgnoreCase("PLAIN")) {
                    return Answer.of(tag + " NO Unsupported authentication mechanism\r\n");
                }
                if (words.length > 1) {
                    if (!plain("AUTHENTICATE PLAIN", words[1])) {
                        return Answer.of(tag + " BAD Cannot decode the response\r\n");
                    }
                    stage = Stage.AUTHENTICATED;
                    return Answer.of(tag + " OK AUTHENTICATE completed\r\n");
                }
                authenticating = tag;
                return Answer.of("+ \r\n");
            }
            case "LIST":
            case "LSUB": {
                if (stage == Stage.NOT_AUTHENTICATED) {
                    return notAuthenticated(tag);
                }
                String[] parts = arg.trim().split(" ");
                if (parts[parts.length - 1].equals("\"\"")) {
                    // RFC 9051 §6.3.9: an empty pattern asks for the hierarchy delimiter
                    return Answer.of("* " + verb + " (\\Noselect) \"/\" \"\"\r\n" + tag + " OK " + verb + " completed\r\n");
                }
                return Answer.of("* " + verb + " (\\HasNoChildren) \"/\" INBOX\r\n" + tag + " OK " + verb + " completed\r\n");
            }
            case "SELECT":
            case "EXAMINE": {
                if (stage == Stage.NOT_AUTHENTICATED) {
                    return notAuthenticated(tag);
                }
                List<String> words = imapArguments(arg);
                if (words.isEmpty() || !words.get(0).equalsIgnoreCase("INBOX")) {
                    return Answer.of(tag + " NO [NONEXISTENT] Mailbox does not exist\r\n");
                }
                stage = Stage.SELECTED;
                return Answer.of("* 0 EXISTS\r\n* 0 RECENT\r\n"
                        + "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                        + "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] Flags permitted\r\n"
                        + "* OK [UIDVALIDITY 1] UIDs valid\r\n* OK [UIDNEXT " + (appended + 1) + "] Predicted next UID\r\n"
                        + tag + " OK [" + (verb.equals("SELECT") ? "READ-WRITE" : "READ-ONLY") + "] " + verb + " completed\r\n");
            }
            case "STATUS":
                if (stage == Stage.NOT_AUTHENTICATED) {
                    return notAuthenticated(tag);
                }
                return Answer.of("* STATUS INBOX (MESSAGES 0 RECENT 0 UIDNEXT " + (appended + 1) + " UIDVALIDITY 1 UNSEEN 0)\r\n"
                        + tag + " OK STATUS completed\r\n");
            case "CLOSE":
            case "UNSELECT":
                if (stage != Stage.SELECTED) {
                    return Answer.of(tag + " BAD No mailbox selected\r\n");
                }
                stage = Stage.AUTHENTICATED;
                return ok(tag, verb);
            case "SEARCH":
                return stage != Stage.SELECTED ? Answer.of(tag + " BAD No mailbox selected\r\n")
                        : Answer.of("* SEARCH\r\n" + tag + " OK SEARCH completed\r\n");
            case "FETCH":
            case "STORE":
            case "EXPUNGE":
                return stage != Stage.SELECTED ? Answer.of(tag + " BAD No mailbox selected\r\n") : ok(tag, verb);
            case "APPEND":
                return Answer.of(tag + " BAD APPEND needs the message as a literal\r\n");
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

    private String plaintextCapabilities() {
        StringBuilder s = new StringBuilder();
        for (Capability c : inPlaintext()) {
            s.append(s.length() == 0 ? "" : " ").append(c.name());
        }
        if (!config.allowAuthBeforeTls()) {
            s.append(s.length() == 0 ? "" : " ").append("LOGINDISABLED");
        }
        return s.length() == 0 ? "IMAP4rev1" : s.toString();
    }

    /** The bytes as UTF-8 when they are UTF-8, else as ISO-8859-1 (Jakarta Mail sends a password's bytes in ISO-8859-1). */
    private static String utf8(String isoText) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(isoText.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return isoText;
        }
    }

    private static Answer ok(String tag, String verb) {
        return Answer.of(tag + " OK " + verb + " completed\r\n");
    }

    private static Answer notAuthenticated(String tag) {
        return Answer.of(tag + " NO Log in first\r\n");
    }
}
