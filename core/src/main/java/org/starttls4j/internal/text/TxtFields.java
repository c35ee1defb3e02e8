package org.starttls4j.internal.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits the {@code name=value; name=value;} syntax shared by the DNS TXT records of MTA-STS
 * (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3): fields separated by {@code *WSP ";" *WSP}, one
 * optional separator at the end, names of 1 to 32 letters, digits, {@code _ - .} starting with a
 * letter or digit. Values are checked by the caller, whose grammar differs per field.
 */
public final class TxtFields {

    /**
     * One field.
     *
     * @param name  the field's name, as written (names are case-sensitive)
     * @param value everything after the first {@code =}, without surrounding white space
     */
    public record Field(String name, String value) {
    }

    private TxtFields() {
    }

    /**
     * The fields of a record.
     *
     * @param text the record's text (a TXT record's strings joined without separators)
     * @return the fields in order, or empty when the text breaks the shared syntax (an empty
     *         field, a field without {@code =}, a bad name)
     */
    public static Optional<List<Field>> split(String text) {
        List<Field> fields = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf(';', start);
            boolean last = end < 0;
            String raw = trimWsp(text.substring(start, last ? text.length() : end));
            if (raw.isEmpty()) {
                // only the optional separator at the very end may leave an empty field
                if (last && !fields.isEmpty()) {
                    break;
                }
                return Optional.empty();
            }
            int eq = raw.indexOf('=');
            if (eq <= 0 || !isName(raw.substring(0, eq))) {
                return Optional.empty();
            }
            fields.add(new Field(raw.substring(0, eq), raw.substring(eq + 1)));
            if (last) {
                break;
            }
            start = end + 1;
        }
        return Optional.of(List.copyOf(fields));
    }

    /**
     * Whether {@code value} is a valid extension value: one or more of {@code %x21-3A / %x3C /
     * %x3E-7E} (printable ASCII but {@code =}, {@code ;} and space).
     *
     * @param value the value
     * @return whether it is valid
     */
    public static boolean isExtensionValue(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '=' || c == ';') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code name} is a valid field name: a letter or digit, then up to 31 letters,
     * digits, {@code _}, {@code -} or {@code .}.
     *
     * @param name the name
     * @return whether it is valid
     */
    public static boolean isName(String name) {
        if (name.isEmpty() || name.length() > 32 || !isAlnum(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlnum(c) && c != '_' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code c} is an ASCII letter or digit.
     *
     * @param c the character
     * @return whether it is one
     */
    public static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /**
     * {@code s} without leading and trailing spaces and tabs (RFC 5234 WSP), and nothing else.
     *
     * @param s the text
     * @return the trimmed text
     */
    public static String trimWsp(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isWsp(s.charAt(from))) {
            from++;
        }
        while (to > from && isWsp(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }
}
