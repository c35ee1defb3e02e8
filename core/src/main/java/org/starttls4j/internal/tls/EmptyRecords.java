package org.starttls4j.internal.tls;

import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Records in a row that bring no application data, after the handshake: a few are legitimate
 * (RFC 8446 §5.1 allows empty application data as a countermeasure to traffic analysis, a TLS 1.3
 * server sends a ticket or two, a KeyUpdate carries none), but a stream of them keeps an engine
 * decrypting while the reader gets nothing, and a reader that waits for data never returns. The
 * JDK's engine takes any number (empty TLS 1.2 application records, for one); BoringSSL and
 * OpenSSL end the connection at the 33rd empty record in a row, and so does every driver of an
 * engine here: the core's pump, its session, and the engine a transport drives.
 *
 * <p>One instance watches one engine; not thread-safe.
 */
public final class EmptyRecords {

    /** Records without application data allowed in a row (BoringSSL's {@code kMaxEmptyRecords}). */
    public static final int MAX_IN_A_ROW = 32;

    private int inARow;

    /** A count at zero, for one engine after its handshake. */
    public EmptyRecords() {
    }

    /**
     * Counts one unwrap after the handshake: one that read no record counts for nothing, nor does
     * the peer's close_notify (the session ends with it).
     *
     * @param unwrapped the unwrap's result
     * @return the exception to fail with, or null to go on
     */
    public SSLException after(SSLEngineResult unwrapped) {
        if (unwrapped.bytesConsumed() == 0 || unwrapped.getStatus() != SSLEngineResult.Status.OK) {
            return null;
        }
        inARow = unwrapped.bytesProduced() > 0 ? 0 : inARow + 1;
        return inARow > MAX_IN_A_ROW ? new SSLException("more than " + MAX_IN_A_ROW + " TLS records in a row without application data") : null;
    }
}
