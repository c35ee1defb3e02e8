package org.starttls4j.testing.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;

/**
 * Reads capabilities out of the raw reply lines an external client printed (OpenSSL's output,
 * curl's {@code -v} trace), so a test can compare them with what the server was configured to
 * announce. Deliberately independent of the core's parsers: it checks them, it must not share
 * their bugs.
 */
public final class WireText {

    private WireText() {
    }

    /**
     * The capabilities in the first capability reply found in {@code lines}: the first SMTP EHLO
     * reply ({@code 250-host …} and the lines after it), the first IMAP {@code * CAPABILITY} line
     * or {@code [CAPABILITY …]} greeting code, or the first POP3 CAPA list (as the core and the Responder
     * spell its first line, {@code +OK Capability list follows}).
     *
     * @param protocol the protocol
     * @param lines    reply lines in order, without CRLF
     * @return the capabilities, as "NAME" or "NAME params", upper-cased
     * @throws AssertionError when there is no capability reply
     */
    public static List<String> capabilities(MailProtocol protocol, List<String> lines) {
        return switch (protocol) {
            case SMTP -> smtp(lines);
            case IMAP -> imap(lines);
            case POP3 -> pop3(lines);
        };
    }

    /** The expected announcement: {@code capabilities} as "NAME params", upper-cased, without STARTTLS/STLS. */
    public static List<String> expected(Capabilities capabilities) {
        List<String> names = new ArrayList<>();
        for (Capability c : capabilities.list()) {
            if (!c.is("STARTTLS") && !c.is("STLS")) {
                names.add(c.toString().toUpperCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static List<String> smtp(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String first = lines.get(i);
            if (first.startsWith("250-")) {
                List<String> caps = new ArrayList<>();
                for (int j = i + 1; j < lines.size(); j++) {
                    String line = lines.get(j);
                    if (!line.startsWith("250")) {
                        break;
                    }
                    caps.add(line.substring(4).trim().toUpperCase(Locale.ROOT));
                    if (line.startsWith("250 ")) {
                        break;
                    }
                }
                return caps;
            }
            if (first.startsWith("250 ")) {
                return List.of();
            }
        }
        throw new AssertionError("no EHLO reply in " + lines);
    }

    private static List<String> imap(List<String> lines) {
        for (String line : lines) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("* CAPABILITY ")) {
                return words(upper.substring("* CAPABILITY ".length()));
            }
            int code = upper.indexOf("[CAPABILITY ");
            if (upper.startsWith("* OK ") && code >= 0) {
                int end = upper.indexOf(']', code);
                return words(upper.substring(code + "[CAPABILITY ".length(), end < 0 ? upper.length() : end));
            }
        }
        throw new AssertionError("no CAPABILITY response in " + lines);
    }

    private static List<String> pop3(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("+OK Capability list follows")) {
                List<String> caps = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !lines.get(j).equals("."); j++) {
                    caps.add(lines.get(j).trim().toUpperCase(Locale.ROOT));
                }
                return caps;
            }
        }
        throw new AssertionError("no CAPA list in " + lines);
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String w : text.trim().split(" +")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }
}
