package org.starttls4j.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;

/**
 * The pieces of RFC 5804 §4's grammar a negotiation needs: quoted strings, capability lines
 * ({@code "NAME" "value"}) and the status keyword of a response ({@code OK}, {@code NO},
 * {@code BYE}, in any case).
 */
final class SieveSyntax {

    private SieveSyntax() {
    }

    /** The status keyword a response line starts with, upper-cased, or null if it is none. */
    static String status(String line) {
        int end = line.indexOf(' ');
        String word = (end < 0 ? line : line.substring(0, end)).toUpperCase(Locale.ROOT);
        return word.equals("OK") || word.equals("NO") || word.equals("BYE") ? word : null;
    }

    /**
     * The capability on a capability line: a quoted name, then optionally a space and a quoted
     * value whose space-separated words become the parameters; null if the line is not one.
     */
    static Capability capability(String line) {
        List<String> strings = new ArrayList<>(2);
        int at = 0;
        while (at < line.length()) {
            if (!strings.isEmpty()) {
                if (line.charAt(at) != ' ') {
                    return null;
                }
                at++;
            }
            int end = quotedEnd(line, at);
            if (end < 0 || strings.size() == 2) {
                return null;
            }
            strings.add(unquote(line.substring(at, end)));
            at = end;
        }
        if (strings.isEmpty() || strings.get(0).isEmpty()) {
            return null;
        }
        List<String> parameters = new ArrayList<>();
        if (strings.size() == 2) {
            for (String word : strings.get(1).split(" ")) {
                if (!word.isEmpty()) {
                    parameters.add(word);
                }
            }
        }
        return new Capability(strings.get(0), parameters);
    }

    /** Whether {@code text} is one quoted string and nothing else, as {@code "a \\"b\\" c"} is and {@code "a" "b"} is not. */
    static boolean isQuoted(String text) {
        return quotedEnd(text, 0) == text.length();
    }

    /** Index just past the quoted string starting at {@code from}, or -1 if none starts there. */
    private static int quotedEnd(String line, int from) {
        if (from >= line.length() || line.charAt(from) != '"') {
            return -1;
        }
        for (int i = from + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                if (i + 1 >= line.length() || (line.charAt(i + 1) != '"' && line.charAt(i + 1) != '\\')) {
                    return -1;
                }
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return -1;
    }

    private static String unquote(String quoted) {
        StringBuilder s = new StringBuilder(quoted.length());
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\') {
                c = quoted.charAt(++i);
            }
            s.append(c);
        }
        return s.toString();
    }

    /** {@code text} as a quoted string. */
    static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * The capability lines for {@code capabilities}: {@code "NAME"} alone, or with its parameters
     * as one quoted value; {@code SASL} always has a value, empty when no mechanism is offered
     * (RFC 5804 §1.7).
     */
    static String render(Capabilities capabilities) {
        StringBuilder lines = new StringBuilder();
        for (Capability c : capabilities.list()) {
            lines.append(quote(c.name()));
            if (!c.parameters().isEmpty() || c.is("SASL")) {
                lines.append(' ').append(quote(String.join(" ", c.parameters())));
            }
            lines.append("\r\n");
        }
        return lines.toString();
    }
}
