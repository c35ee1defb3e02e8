package org.starttls4j;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
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

    /**
     * The capability without parameters that {@code text} spells from {@code start} to
     * {@code end}: a keyword servers announce on nearly every connection is the same value each
     * time, not a new keyword string and record.
     *
     * @param text  the text holding the keyword
     * @param start the keyword's first character
     * @param end   the index after its last
     * @return the capability
     * @throws IndexOutOfBoundsException if the range is not within {@code text}
     */
    public static Capability keyword(String text, int start, int end) {
        Capability known = wellKnown(text, start, end);
        return known != null ? known : new Capability(text.substring(start, end), List.of());
    }

    /** The well-known capability spelled exactly as {@code text} from {@code start} to {@code end}, or null. */
    static Capability wellKnown(String text, int start, int end) {
        Objects.checkFromToIndex(start, end, text.length());
        int length = end - start;
        for (Capability known : WELL_KNOWN) {
            if (known.name.length() == length && text.regionMatches(start, known.name, 0, length)) {
                return known;
            }
        }
        return null;
    }

    /**
     * Keywords servers announce on nearly every connection (SMTP, IMAP, POP3, as spelled by their
     * RFCs), each made once as a capability without parameters. Values, so nothing can tell them apart.
     */
    private static final Capability[] WELL_KNOWN = Stream.of("STARTTLS", "PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES",
                    "CHUNKING", "SMTPUTF8", "DSN", "AUTH", "BINARYMIME", "ETRN", "VRFY", "REQUIRETLS", "IMAP4rev1", "IMAP4rev2",
                    "LOGINDISABLED", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE", "LITERAL+", "LITERAL-", "NAMESPACE",
                    "UIDPLUS", "STLS", "TOP", "USER", "UIDL", "SASL", "RESP-CODES", "AUTH-RESP-CODE", "EXPIRE", "LOGIN-DELAY",
                    "IMPLEMENTATION", "UTF8", "AUTH=PLAIN", "CHILDREN", "UNSELECT", "MOVE", "SPECIAL-USE", "CONDSTORE")
            .map(keyword -> new Capability(keyword, List.of()))
            .toArray(Capability[]::new);

    private static char asciiUpper(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
    }

    @Override
    public String toString() {
        return parameters.isEmpty() ? name : name + " " + String.join(" ", parameters);
    }
}
