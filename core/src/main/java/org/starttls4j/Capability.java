package org.starttls4j;

import java.util.List;
import java.util.Objects;
import org.starttls4j.internal.text.FixedList;

/**
 * One capability a server announced: an SMTP EHLO keyword with its parameters, an IMAP
 * capability atom, or a POP3 CAPA tag with its arguments.
 *
 * @param name       the keyword as the server spelled it; compare with {@link #is(String)}
 * @param parameters the words after it, in order, as sent
 */
public record Capability(String name, List<String> parameters) {

    /**
     * Copies the parameters so the value stays immutable.
     *
     * @param name the keyword as the server spelled it; compare with {@link #is(String)}
     * @param parameters the words after it, in order, as sent
     */
    public Capability {
        Objects.requireNonNull(name, "name");
        parameters = FixedList.copyOf(parameters);
    }

    /**
     * Whether this capability is {@code keyword}, ignoring ASCII case.
     *
     * @param keyword a keyword, in any case
     * @return whether this capability is {@code keyword}, ignoring ASCII case
     */
    public boolean is(String keyword) {
        if (name.length() != keyword.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (asciiUpper(name.charAt(i)) != asciiUpper(keyword.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiUpper(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
    }

    @Override
    public String toString() {
        return parameters.isEmpty() ? name : name + " " + String.join(" ", parameters);
    }
}
