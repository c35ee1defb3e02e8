package org.starttls4j.text;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.starttls4j.Failure;
import org.starttls4j.internal.text.LineFramer;

/**
 * Frames CRLF lines out of bytes that arrive in pieces, holding at most one line: the piece of a
 * line that has arrived waits in a buffer of {@code maxLineLength} bytes, allocated once. It takes
 * bytes up to the end of a line and no further, so the bytes after a line (the next line, or an
 * IMAP literal) stay in the caller's buffer.
 *
 * <p>A line longer than the bound, a bare CR or LF, or a NUL breaks the reader: it answers
 * {@link Framed.TooLong} or {@link Framed.Malformed} from then on. Not thread-safe.
 */
public final class LineReader {

    private static final byte LF = '\n';

    private final byte[] line;
    private int length;
    private Framed broken;

    /**
     * A reader for lines of at most {@code maxLineLength} bytes, CRLF included.
     *
     * @param maxLineLength the bound, at least 3
     * @throws IllegalArgumentException when the bound is below 3
     */
    public LineReader(int maxLineLength) {
        if (maxLineLength < 3) {
            throw new IllegalArgumentException("maxLineLength must be at least 3, was " + maxLineLength);
        }
        this.line = new byte[maxLineLength];
    }

    /**
     * Takes bytes from {@code source} up to and including the end of the next line.
     *
     * @param source received bytes, in read mode; its position advances past what was taken
     * @return {@link Framed.Complete} (its {@code consumed} counts the whole line, CRLF included,
     *         also the part taken by earlier calls), {@link Framed.Incomplete} when {@code source}
     *         ran out first, or {@link Framed.TooLong} / {@link Framed.Malformed}
     */
    public Framed next(ByteBuffer source) {
        if (broken != null) {
            return broken;
        }
        while (source.hasRemaining()) {
            byte b = source.get();
            line[length++] = b;
            if (b == LF || length == line.length) {
                return framed(LineFramer.scan(line, 0, length, line.length));
            }
        }
        // Refuse a NUL or bare CR as soon as it arrives rather than at the end of the line.
        return framed(LineFramer.scan(line, 0, length, line.length));
    }

    /**
     * Whether part of a line has been taken and its end has not.
     *
     * @return true between the first byte of a line and its LF
     */
    public boolean inLine() {
        return length > 0;
    }

    /**
     * Why the reader is broken, as a response parser reports it.
     *
     * @return {@code LINE_TOO_LONG} or {@code MALFORMED_REPLY} once {@link #next} answered
     *         {@link Framed.TooLong} or {@link Framed.Malformed}; empty before
     */
    public Optional<Failure> failure() {
        if (broken instanceof Framed.TooLong) {
            return Optional.of(Failure.of(Failure.Reason.LINE_TOO_LONG,
                    "a line longer than " + line.length + " bytes"));
        }
        if (broken instanceof Framed.Malformed m) {
            return Optional.of(Failure.of(Failure.Reason.MALFORMED_REPLY, "a " + m.why() + " in a line"));
        }
        return Optional.empty();
    }

    private Framed framed(int found) {
        if (found > 0) {
            String text = LineFramer.line(line, 0, found);
            length = 0;
            return new Framed.Complete(text, found);
        }
        if (found == LineFramer.INCOMPLETE) {
            return new Framed.Incomplete();
        }
        broken = found == LineFramer.TOO_LONG ? new Framed.TooLong() : new Framed.Malformed(LineFramer.why(found));
        return broken;
    }
}
