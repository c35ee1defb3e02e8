package org.starttls4j.testkit.jqwik;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte stream cut into the reads a peer might deliver it in. Its {@link #toString()} shows each
 * read escaped, so a shrunk counter-example reads like {@code ["EHLO x\r" | "\n"]}.
 */
public final class Split {

    private final List<byte[]> reads;

    /**
     * A split.
     *
     * @param reads the reads, in order; copied
     */
    public Split(List<byte[]> reads) {
        List<byte[]> copy = new ArrayList<>();
        reads.forEach(r -> copy.add(r.clone()));
        this.reads = List.copyOf(copy);
    }

    /**
     * The reads.
     *
     * @return a copy of each read, in order
     */
    public List<byte[]> reads() {
        List<byte[]> copy = new ArrayList<>();
        reads.forEach(r -> copy.add(r.clone()));
        return copy;
    }

    /**
     * The reads as buffers, ready to feed a {@code Negotiation}.
     *
     * @return one fresh buffer per read
     */
    public List<ByteBuffer> buffers() {
        List<ByteBuffer> out = new ArrayList<>();
        reads.forEach(r -> out.add(ByteBuffer.wrap(r.clone())));
        return out;
    }

    /**
     * The stream the reads make up.
     *
     * @return all bytes, joined
     */
    public byte[] joined() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reads.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /**
     * How many reads.
     *
     * @return the count
     */
    public int size() {
        return reads.size();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < reads.size(); i++) {
            s.append(i == 0 ? "" : " | ").append('"').append(Readable.bytes(reads.get(i))).append('"');
        }
        return s.append(']').toString();
    }
}
