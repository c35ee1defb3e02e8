package org.starttls4j.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads CRLF (or bare LF) lines from a stream, bounded, through a buffer whose unread bytes can be
 * taken out: a server that upgrades to TLS hands what it read past the STARTTLS line to the TLS
 * layer instead of losing it.
 */
public final class LineReader {

    private final InputStream in;
    private final int maxLine;
    private final byte[] buffer = new byte[8192];
    private int start;
    private int end;
    private byte[] line = new byte[128]; // the line so far: kept across a read timeout
    private int length;

    /**
     * A reader.
     *
     * @param in      the stream
     * @param maxLine the longest line accepted, in bytes
     */
    public LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /**
     * The next line, without its line ending, bytes as ISO-8859-1 characters.
     *
     * @return the line, or null at the end of the stream (a partial last line is dropped)
     * @throws LineTooLongException when a line exceeds the bound
     * @throws IOException          when reading fails; after a {@link java.net.SocketTimeoutException}
     *                              the partial line is kept and the next call goes on with it
     */
    public String readLine() throws IOException {
        while (true) {
            if (start == end && !fill()) {
                return null;
            }
            byte b = buffer[start++];
            if (b == '\n') {
                int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                length = 0;
                return new String(line, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (length == maxLine) {
                throw new LineTooLongException(maxLine);
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(maxLine + 1, line.length * 2));
            }
            line[length++] = b;
        }
    }

    /**
     * Takes the bytes read from the stream but not yet returned as lines.
     *
     * @return those bytes; the reader holds none afterwards
     */
    public byte[] takeBuffered() {
        byte[] rest = Arrays.copyOfRange(buffer, start, end);
        start = end;
        return rest;
    }

    /**
     * Whether bytes are waiting in the buffer.
     *
     * @return true when {@link #takeBuffered()} would return some
     */
    public boolean hasBuffered() {
        return start < end;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            return false;
        }
        start = 0;
        end = n;
        return true;
    }

    /** A line exceeded the reader's bound. */
    public static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int max) {
            super("a line longer than " + max + " bytes");
        }
    }
}
