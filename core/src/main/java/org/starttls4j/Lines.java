package org.starttls4j;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.starttls4j.internal.text.LineFramer;

/**
 * The line stage both flows read through: the bytes a reading phase holds between reads, and the
 * framing of the next line within {@link Limits#maxLineLength()}. What breaks the framing is the
 * peer's fault, named for the role that reads: a client reads replies, a server commands.
 */
final class Lines {

    /** No bytes: what a reading phase holds when every byte it received was a whole line. */
    static final byte[] NOTHING = new byte[0];

    private Lines() {
    }

    /** What {@link #scan} returns when the buffer ends before the line does: read more. */
    static final int INCOMPLETE = LineFramer.INCOMPLETE;

    /**
     * Finds the line at {@code position}: its length, CRLF included, when it is whole (its text is
     * {@link #text}); {@link #INCOMPLETE}; or another negative value when the peer broke the framing
     * (too long, a bare CR or LF, a NUL: {@link #broken} says why). A number, not an object: every
     * line of every negotiation is framed here.
     */
    static int scan(byte[] buffer, int position, Limits limits) {
        return scan(buffer, position, buffer.length, limits);
    }

    /** {@link #scan(byte[], int, Limits)} in the bytes of {@code buffer} before {@code end}. */
    static int scan(byte[] buffer, int position, int end, Limits limits) {
        return LineFramer.scan(buffer, position, end, limits.maxLineLength());
    }

    /** The text of the whole line {@link #scan} found at {@code position}, without its CRLF. */
    static String text(byte[] buffer, int position, int length) {
        return LineFramer.line(buffer, position, length);
    }

    /**
     * Why the framing broke where {@link #scan} found {@code found} (negative, not {@link #INCOMPLETE}).
     *
     * @param reader {@link Role#CLIENT} reads replies, {@link Role#SERVER} commands
     */
    static Failure broken(int found, byte[] buffer, int position, Limits limits, Role reader) {
        return broken(found, buffer, position, buffer.length, limits, reader);
    }

    /** {@link #broken(int, byte[], int, Limits, Role)} in the bytes of {@code buffer} before {@code end}. */
    static Failure broken(int found, byte[] buffer, int position, int end, Limits limits, Role reader) {
        boolean client = reader == Role.CLIENT;
        if (found == LineFramer.TOO_LONG) {
            return Failure.of(client ? Failure.Reason.LINE_TOO_LONG : Failure.Reason.COMMAND_TOO_LONG,
                    (client ? "a line" : "a command") + " longer than " + limits.maxLineLength() + " bytes");
        }
        return Failure.of(client ? Failure.Reason.MALFORMED_REPLY : Failure.Reason.MALFORMED_COMMAND,
                LineFramer.why(found) + (client ? " in a reply" : " in a command"), preview(buffer, position, end));
    }

    /** Whether {@code received} bytes before TLS are more than the bounds allow. */
    static boolean tooMany(int received, Limits limits) {
        return received > limits.maxPlaintextBytes();
    }

    /** The failure for {@link #tooMany}: {@code where} says up to when bytes count. */
    static Failure tooMuchPlaintext(Limits limits, String where) {
        return Failure.of(Failure.Reason.TOO_MUCH_PLAINTEXT, "more than " + limits.maxPlaintextBytes() + " bytes " + where);
    }

    /** The bytes of {@code buffer} from {@code position} to {@code end}, kept for the next read: a copy, never the buffer. */
    static byte[] rest(byte[] buffer, int position, int end) {
        return position == end ? NOTHING : Arrays.copyOfRange(buffer, position, end);
    }

    /**
     * The start of the bytes of {@code bytes} in its array, to frame them where they lie instead of
     * copying them out first ({@code bytes.hasArray()}); {@code bytes} is consumed. Nothing framed
     * keeps that array: a line becomes its own {@code String}, what is left over is copied
     * ({@link #rest}), and so is what a failure or a hand-over reports.
     */
    static int inPlace(ByteBuffer bytes) {
        int from = bytes.arrayOffset() + bytes.position();
        bytes.position(bytes.limit());
        return from;
    }

    /** Every remaining byte of {@code bytes}, which is consumed. */
    static byte[] drain(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return NOTHING;
        }
        byte[] data = new byte[bytes.remaining()];
        bytes.get(data);
        return data;
    }

    /** {@code pending}, then the bytes of {@code fresh} from {@code from} to {@code to}, in a new array. */
    static byte[] concat(byte[] pending, byte[] fresh, int from, int to) {
        byte[] all = Arrays.copyOf(pending, pending.length + to - from);
        System.arraycopy(fresh, from, all, pending.length, to - from);
        return all;
    }

    /** The first bytes of what the peer sent, for a failure report (never acted on). */
    static String preview(byte[] buffer, int from) {
        return preview(buffer, from, buffer.length);
    }

    /** {@link #preview(byte[], int)} of the bytes of {@code buffer} before {@code end}. */
    static String preview(byte[] buffer, int from, int end) {
        int to = Math.min(end, from + 120);
        String text = new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
        StringBuilder shown = new StringBuilder();
        for (char c : text.toCharArray()) {
            shown.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return shown + (to < end ? "…" : "");
    }
}
