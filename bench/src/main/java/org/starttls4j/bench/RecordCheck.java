package org.starttls4j.bench;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsResult;

/**
 * How one write is cut into TLS records, through the core and through a bare engine: the number of
 * records and the smallest and largest one's length. A write of 16 KiB that leaves a tiny tail
 * record costs a whole record's overhead (header, tag, a cipher call) for a few bytes. Each check
 * writes once on a fresh session, so the core's cut is the one it makes before it has seen the
 * engine fill a record.
 */
public final class RecordCheck {

    /**
     * The records one write produced.
     *
     * @param records     how many
     * @param smallest    the smallest record's length field (ciphertext bytes after the header)
     * @param largest     the largest record's length field
     * @param wireBytes   bytes on the wire, headers included
     */
    public record Cut(int records, int smallest, int largest, int wireBytes) {
        /**
         * Whether one record is less than half the size of another: a remainder left after full
         * records (16,367 + 17 bytes), rather than a nearly even cut (8,191 + 8,193), whose
         * records differ by a few bytes, or by a block's padding.
         */
        public boolean uneven() {
            return smallest < largest / 2;
        }

        @Override
        public String toString() {
            return records == 1 ? "1 record, " + smallest + " B" : records + " records, " + smallest + " to " + largest + " B";
        }
    }

    private RecordCheck() {
    }

    /**
     * Cuts one write of {@code size} bytes through the core's client session.
     *
     * @param fixture the TLS set-up
     * @param size    bytes written at once
     * @return the cut
     */
    public static Cut core(Fixture fixture, int size) {
        SecureSession client = new CorePair(fixture, MailProtocol.SMTP).negotiate();
        ByteBuffer net = ByteBuffer.allocate(4 * client.minNetworkBufferSize() + size);
        TlsResult r = client.encrypt(ByteBuffer.allocate(size), net);
        if (r.status() != TlsResult.Status.OK || r.consumed() != size) {
            throw new IllegalStateException("encrypt: " + r);
        }
        return cut(net.flip());
    }

    /**
     * Cuts one write of {@code size} bytes through a bare client engine, wrapping until the source
     * is empty.
     *
     * @param fixture the TLS set-up
     * @param line    the command the bare pair sends inside TLS
     * @param reply   its reply
     * @param size    bytes written at once
     * @return the cut
     * @throws SSLException if the engine fails
     */
    public static Cut bare(Fixture fixture, byte[] line, byte[] reply, int size) throws SSLException {
        SSLEngine client = new BarePair(fixture, line, reply).handshake();
        ByteBuffer net = ByteBuffer.allocate(4 * client.getSession().getPacketBufferSize() + size);
        ByteBuffer source = ByteBuffer.allocate(size);
        while (source.hasRemaining()) {
            SSLEngineResult r = client.wrap(source, net);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("wrap: " + r);
            }
        }
        return cut(net.flip());
    }

    private static Cut cut(ByteBuffer net) {
        int records = 0;
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        int wire = net.remaining();
        while (net.remaining() >= 5) {
            int length = ((net.get(net.position() + 3) & 0xff) << 8) | (net.get(net.position() + 4) & 0xff);
            records++;
            smallest = Math.min(smallest, length);
            largest = Math.max(largest, length);
            net.position(net.position() + 5 + length);
        }
        return new Cut(records, records == 0 ? 0 : smallest, largest, wire);
    }
}
