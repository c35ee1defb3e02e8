package org.starttls4j.testkit.internal;

import java.util.List;
import java.util.Locale;
import org.starttls4j.Capability;
import org.starttls4j.TlsPolicy;
import org.starttls4j.sieve.ManageSieve;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.Recording;
import org.starttls4j.text.Literal;

/**
 * ManageSieve (RFC 5804) after the negotiation, with no scripts: see {@link Conversation}. Any
 * string of a command may be a literal (RFC 5804 §4): {@code {n+}} at the end of a line announces
 * n octets, after which the same command continues on the rest of the line that holds the
 * literal's last octet, possibly announcing another literal. A client's {@code {n}} is read the
 * same way: the grammar reserves it for the server, and ManageSieve has no continuation request a
 * client could wait for. The command is answered once, when it is whole; a literal's content
 * stands in it as a quoted string, kept up to {@link #MAX_ARGUMENT_LITERAL} octets (a longer one,
 * a script, is counted and dropped).
 */
final class SieveConversation extends Conversation {

    /** The longest literal whose content is kept: names, SASL responses; scripts longer than this are only counted. */
    static final int MAX_ARGUMENT_LITERAL = 8 * 1024;

    private boolean authenticated;
    private boolean authenticating;
    /** The command being read, with its literals. */
    private final LiteralCommand literals = new LiteralCommand(MAX_ARGUMENT_LITERAL);

    SieveConversation(MailProtocol protocol, Recording recording, int connection, Layer layer, Profile profile) {
        super(protocol, recording, connection, layer, profile);
    }

    @Override
    public String opening() {
        // RFC 5804 §2.2: after STARTTLS the server re-issues its capabilities, unasked.
        return encrypted && config.policy() != TlsPolicy.IMPLICIT ? ManageSieve.capabilitiesAfterTls(config) : "";
    }

    @Override
    public boolean readingData() {
        return literals.readingLiteral();
    }

    @Override
    public String logged(String line) {
        if (literals.readingLiteral()) {
            return null;
        }
        if (authenticating) {
            return MASK;
        }
        String[] words = line.split(" ");
        return verb(line).equals("AUTHENTICATE") && words.length > 2 ? words[0] + " " + words[1] + " " + MASK : line;
    }

    @Override
    public Answer onLine(String line) {
        return literals.readingLiteral() ? literalLine(line) : commandPart(line);
    }

    /** A line (or the rest of one after a literal) of a command: complete, or announcing a literal. */
    private Answer commandPart(String part) {
        long size = Literal.announcedBy(part);
        if (size < 0) {
            String whole = literals.finish(part);
            record(whole);
            return authenticating ? saslResponse(whole) : command(whole);
        }
        literals.startLiteral(literals.head(part), size);
        return Answer.of("");
    }

    private Answer literalLine(String line) {
        Literal.Advance advance = literals.read(line);
        if (advance instanceof Literal.Inside) {
            return Answer.of("");
        }
        if (advance instanceof Literal.Ended ended) {
            literals.quoteContent();
            return commandPart(ended.rest());
        }
        // the literal ended between CR and LF: the command's framing is broken
        literals.abandon();
        authenticating = false;
        return new Answer("BYE \"A literal ended inside a line ending\"\r\n", true);
    }

    /** RFC 5804 §2.1: the client's answer to a server challenge, a string, or {@code "*"} to cancel. */
    private Answer saslResponse(String response) {
        authenticating = false;
        if (response.equals("\"*\"")) {
            return Answer.of("NO \"Authentication cancelled\"\r\n");
        }
        plain("AUTHENTICATE PLAIN", unquoted(response));
        authenticated = true;
        return Answer.of("OK \"Logged in\"\r\n");
    }

    private Answer command(String line) {
        String verb = verb(line);
        String arg = argument(line);
        switch (verb) {
            case "CAPABILITY":
                return Answer.of(encrypted ? ManageSieve.capabilitiesAfterTls(config) : plaintextCapabilities());
            case "AUTHENTICATE":
                if (!loginAllowed()) {
                    return Answer.of("NO (ENCRYPT-NEEDED) \"Authentication requires TLS\"\r\n");
                }
                if (authenticated || !arg.toUpperCase(Locale.ROOT).startsWith("\"PLAIN\"")) {
                    return Answer.of("NO \"Unsupported mechanism, or logged in already\"\r\n");
                }
                if (arg.contains(" ")) {
                    plain("AUTHENTICATE PLAIN", unquoted(argument(arg)));
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
        return Answer.of(switch (verb) {
            case "LISTSCRIPTS" -> "OK \"Listscripts completed\"\r\n";
            case "HAVESPACE", "PUTSCRIPT", "CHECKSCRIPT" -> "OK\r\n";
            case "SETACTIVE" -> arg.equals("\"\"") ? "OK\r\n" : "NO (NONEXISTENT) \"There is no such script\"\r\n";
            case "GETSCRIPT", "DELETESCRIPT", "RENAMESCRIPT" -> "NO (NONEXISTENT) \"There is no such script\"\r\n";
            default -> "NO \"Unknown command\"\r\n";
        });
    }

    /** A string argument's content: a quoted string without its quotes (escapes honoured), anything else as it is. */
    private static String unquoted(String text) {
        List<String> words = imapArguments(text.trim());
        return words.isEmpty() ? "" : words.get(0);
    }

    private String plaintextCapabilities() {
        StringBuilder s = new StringBuilder();
        for (Capability c : inPlaintext()) {
            s.append('"').append(c.name()).append('"');
            if (!c.parameters().isEmpty()) {
                s.append(" \"").append(String.join(" ", c.parameters())).append('"');
            }
            s.append("\r\n");
        }
        return s.append("\"SASL\" \"\"\r\nOK \"Capability completed\"\r\n").toString();
    }
}
