package org.starttls4j.nio;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small, bounded pool of network buffers, shared by the channels and negotiations of this
 * package so that the steady state allocates nothing and an idle connection holds no buffer.
 *
 * <p>A channel takes a buffer when it has bytes to hold (a TLS record half read, encrypted bytes
 * the socket has not yet accepted) and gives it back as soon as the buffer is empty again. The
 * pool keeps at most {@code maxRetained} free buffers of {@link #bufferSize()} bytes; requests for
 * a larger buffer (a TLS provider with unusually large records) get a buffer of their own that is
 * dropped, not kept, when returned. All methods are thread-safe.
 *
 * <p>{@link #inUse()} counts the buffers taken and not yet returned: after every channel has been
 * closed it is zero, which is how the tests prove that no failure path leaks a buffer.
 */
public final class BufferPool {

    /** The default buffer size: room for the largest TLS record of the JDK's and BouncyCastle's engines. */
    public static final int DEFAULT_BUFFER_SIZE = 20 * 1024;

    private static final BufferPool SHARED = new BufferPool(DEFAULT_BUFFER_SIZE, 256, false);

    private final int bufferSize;
    private final boolean direct;
    private final ByteBuffer[] free;
    private int freeCount; // guarded by this
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicLong allocations = new AtomicLong();

    private BufferPool(int bufferSize, int maxRetained, boolean direct) {
        if (bufferSize < 1024) {
            throw new IllegalArgumentException("bufferSize must be at least 1024, was " + bufferSize);
        }
        if (maxRetained < 0) {
            throw new IllegalArgumentException("maxRetained must not be negative, was " + maxRetained);
        }
        this.bufferSize = bufferSize;
        this.direct = direct;
        this.free = new ByteBuffer[maxRetained];
    }

    /**
     * The pool used when none is given: heap buffers of {@link #DEFAULT_BUFFER_SIZE} bytes, at most
     * 256 of them kept free (about 5 MiB).
     *
     * @return the JVM-wide pool
     */
    public static BufferPool shared() {
        return SHARED;
    }

    /**
     * A new pool.
     *
     * @param bufferSize  the size of the pooled buffers; at least a TLS record
     *                    ({@link org.starttls4j.SecureSession#minNetworkBufferSize()}) for the
     *                    pool to serve TLS without one-off allocations
     * @param maxRetained how many free buffers to keep at most
     * @param direct      whether to allocate direct buffers (saves the JDK's copy on socket I/O)
     * @return the pool
     */
    public static BufferPool create(int bufferSize, int maxRetained, boolean direct) {
        return new BufferPool(bufferSize, maxRetained, direct);
    }

    /**
     * The size of the buffers this pool keeps.
     *
     * @return the size of the buffers this pool keeps
     */
    public int bufferSize() {
        return bufferSize;
    }

    /**
     * Takes a cleared buffer (position 0, limit = capacity) of at least {@code minimumSize} bytes.
     * Give it back with {@link #release} when empty.
     *
     * @param minimumSize the least capacity needed; at most {@link #bufferSize()} for a pooled one
     * @return the buffer
     */
    public ByteBuffer acquire(int minimumSize) {
        inUse.incrementAndGet();
        if (minimumSize > bufferSize) {
            allocations.incrementAndGet();
            return allocate(minimumSize);
        }
        synchronized (this) {
            if (freeCount > 0) {
                ByteBuffer buffer = free[--freeCount];
                free[freeCount] = null;
                return buffer;
            }
        }
        allocations.incrementAndGet();
        return allocate(bufferSize);
    }

    /**
     * Gives a buffer taken with {@link #acquire} back. The caller must not touch it afterwards.
     *
     * @param buffer the buffer, or null (ignored)
     */
    public void release(ByteBuffer buffer) {
        if (buffer == null) {
            return;
        }
        inUse.decrementAndGet();
        if (buffer.capacity() != bufferSize || buffer.isDirect() != direct || buffer.isReadOnly()) {
            return; // a one-off buffer: let the collector have it
        }
        buffer.clear();
        synchronized (this) {
            if (freeCount < free.length) {
                free[freeCount++] = buffer;
            }
        }
    }

    /**
     * How many buffers are taken and not yet returned.
     *
     * @return how many buffers are taken and not yet returned
     */
    public int inUse() {
        return inUse.get();
    }

    /**
     * How many free buffers the pool holds.
     *
     * @return how many free buffers the pool holds
     */
    public synchronized int retained() {
        return freeCount;
    }

    /**
     * How many buffers the pool has ever allocated (a steady state adds none).
     *
     * @return how many buffers the pool has ever allocated (a steady state adds none)
     */
    public long allocations() {
        return allocations.get();
    }

    @Override
    public String toString() {
        return "BufferPool[size=" + bufferSize + ", inUse=" + inUse() + ", retained=" + retained() + "]";
    }

    private ByteBuffer allocate(int size) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }
}
