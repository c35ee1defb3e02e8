package org.starttls4j.text;

/**
 * Literals, as IMAP (RFC 9051 §4.3) and ManageSieve (RFC 5804 §4) write strings of any content:
 * a line that ends with {@code {n}} (or {@code {n+}}) announces that the next {@code n} bytes are
 * data, whatever they look like, after which the same response (or command) continues. The
 * negotiation never keeps literal data; it counts it.
 *
 * <p>The negotiation's driver frames CRLF lines before a dialog sees anything, so a literal is
 * counted across lines: each whole line it covers is the line's length plus 2 for its CRLF, and
 * where the literal ends inside a line, the rest of that line continues the response. A literal
 * holding a bare LF, a bare CR or a NUL never reaches a dialog: the framer refuses it
 * ({@code MALFORMED_REPLY} on a client, {@code MALFORMED_COMMAND} on a server). Mail that needs
 * such bytes has no place in the few responses of a STARTTLS negotiation, so this is accepted.
 *
 * @param remaining bytes of the literal still to come
 */
public record Literal(long remaining) {

    /** Sizes with more digits than this are absurd; they read as {@link Long#MAX_VALUE}. */
    private static final int MAX_DIGITS = 18;

    /** What the next line did to a literal being counted. */
    public sealed interface Advance {
    }

    /**
     * The whole line was literal data.
     *
     * @param next the literal with what remains of it (possibly nothing)
     */
    public record Inside(Literal next) implements Advance {
    }

    /**
     * The literal ended inside the line.
     *
     * @param rest the rest of the line, which continues the response or command
     */
    public record Ended(String rest) implements Advance {
    }

    /** The literal ended between the line's CR and LF, so what follows starts with a bare LF. */
    public record Split() implements Advance {
    }

    /**
     * The size announced at the end of {@code line} — {@code {n}}, {@code {n+}} or {@code {n-}}
     * (RFC 7888), possibly as {@code ~{n}} (RFC 3516) — or -1 if the line announces none.
     *
     * @param line a line without CRLF
     * @return the size announced, {@link Long#MAX_VALUE} if absurdly large, or -1
     */
    public static long announcedBy(String line) {
        int end = line.length() - 1;
        if (end < 2 || line.charAt(end) != '}') {
            return -1;
        }
        int open = line.lastIndexOf('{', end);
        if (open < 0) {
            return -1;
        }
        int digitsEnd = end;
        char last = line.charAt(end - 1);
        if (last == '+' || last == '-') {
            digitsEnd--;
        }
        if (digitsEnd == open + 1) {
            return -1;
        }
        for (int i = open + 1; i < digitsEnd; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        if (digitsEnd - open - 1 > MAX_DIGITS) {
            return Long.MAX_VALUE;
        }
        return Long.parseLong(line.substring(open + 1, digitsEnd));
    }

    /**
     * Whether the literal {@code line} announces is non-synchronizing ({@code {n+}} or {@code {n-}}).
     *
     * @param line a line without CRLF
     * @return whether it ends with a non-synchronizing literal
     */
    public static boolean isNonSynchronizing(String line) {
        return announcedBy(line) >= 0 && (line.endsWith("+}") || line.endsWith("-}"));
    }

    /**
     * Counts {@code line} (which arrived without its CRLF) against this literal.
     *
     * @param line the next line
     * @return what the line did to the literal
     */
    public Advance advance(String line) {
        long whole = line.length() + 2L;
        if (remaining >= whole) {
            return new Inside(new Literal(remaining - whole));
        }
        if (remaining <= line.length()) {
            return new Ended(line.substring((int) remaining));
        }
        return new Split();
    }
}
