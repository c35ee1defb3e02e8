package org.starttls4j.testkit.internal;

import java.util.Locale;
import org.starttls4j.Capability;
import org.starttls4j.TlsPolicy;
import org.starttls4j.sieve.ManageSieve;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.Recording;
import org.starttls4j.text.Literal;

/** ManageSieve (RFC 5804) after the negotiation, with no scripts: see {@link Conversation}. */
final class SieveConversation extends Conversation {

    private boolean authenticated;
    private boolean authenticating;
    /** The script literal being read (PUTSCRIPT, CHECKSCRIPT), or null. */
    private Literal script;
    private String afterScript;

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
        return script != null;
    }

    @Override
    public String logged(String line) {
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
    public Answer onLine(String line) {
        if (script != null) {
            Literal.Advance advance = script.advance(line);
            if (advance instanceof Literal.Inside inside) {
                script = inside.next();
                return Answer.of("");
            }
            script = null;
            return Answer.of(afterScript);
        }
        record(line);
        if (authenticating) {
            authenticating = false;
            if (line.equals("\"*\"")) {
                return Answer.of("NO \"Authentication cancelled\"\r\n");
            }
            plain("AUTHENTICATE PLAIN", line.replace("\"", ""));
            authenticated = true;
            return Answer.of("OK \"Logged in\"\r\n");
        }
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
                    plain("AUTHENTICATE PLAIN", argument(arg).replace("\"", ""));
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
