package org.starttls4j.netty;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The line an application resumed a negotiation at ({@link StartTlsServerHandler#resume}), and
 * what followed it before the negotiation was fed the line: plaintext after STARTTLS, kept (at
 * most {@value #MAX_HELD} bytes, enough to see and quote) to be fed behind the line, so that the
 * core fails the negotiation with PLAINTEXT_INJECTION before any go-ahead.
 */
final class ResumedCommand {

    /** Most bytes kept of plaintext that followed the command. */
    static final int MAX_HELD = 512;

    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] line;
    private byte[] held = new byte[0];
    private boolean fed;

    /** The command as the core frames it: one line ending in CRLF, whatever the decoder stripped. */
    ResumedCommand(CharSequence command) {
        String text = command.toString();
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        this.line = (text + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    boolean isFed() {
        return fed;
    }

    /** Keeps what {@code msg} carries behind the command (not releasing it). */
    void hold(Object msg) {
        byte[] more = plaintextOf(msg);
        int kept = Math.min(MAX_HELD - held.length, more.length);
        int had = held.length;
        held = Arrays.copyOf(held, had + kept);
        System.arraycopy(more, 0, held, had, kept);
    }

    /** The command and what followed it, once. */
    ByteBuffer feed() {
        fed = true;
        byte[] both = Arrays.copyOf(line, line.length + held.length);
        System.arraycopy(held, 0, both, line.length, held.length);
        held = null;
        return ByteBuffer.wrap(both);
    }

    /**
     * At most {@value #MAX_HELD} bytes of what a message carries; a decoded line gets back the CRLF
     * its decoder stripped.
     */
    static byte[] plaintextOf(Object msg) {
        if (msg instanceof ByteBuf buf) {
            if (!buf.isReadable()) {
                return CRLF; // an empty line, its delimiter stripped
            }
            byte[] bytes = new byte[Math.min(buf.readableBytes(), MAX_HELD)];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        }
        byte[] text = (msg + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return text.length > MAX_HELD ? Arrays.copyOf(text, MAX_HELD) : text;
    }
}
