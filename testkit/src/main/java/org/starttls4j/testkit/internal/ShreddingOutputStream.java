package org.starttls4j.testkit.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes everything in pieces of a few bytes, flushing each, with an optional pause between
 * pieces: replies cut across TCP segments (and TLS records), as a slow or hostile server sends
 * them. The pause is the server's behaviour, not a test's synchronisation.
 */
public final class ShreddingOutputStream extends OutputStream {

    private final OutputStream out;
    private final int piece;
    private final long pauseNanos;

    /**
     * A shredding stream.
     *
     * @param out   where the pieces go
     * @param piece bytes per piece, at least 1
     * @param pause how long to wait between pieces ({@link Duration#ZERO} for none)
     */
    public ShreddingOutputStream(OutputStream out, int piece, Duration pause) {
        this.out = out;
        this.piece = Math.max(1, piece);
        this.pauseNanos = pause.toNanos();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = 0; i < len; i += piece) {
            if (i > 0 && pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
                if (Thread.interrupted()) {
                    throw new InterruptedIOException("server stopped");
                }
            }
            out.write(b, off + i, Math.min(piece, len - i));
            out.flush();
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
