package org.starttls4j.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A buffer each thread keeps between calls, so that work which needs a large buffer for a moment
 * (an engine's wrap, a transition's bytes) does not allocate one every time. Borrowed for the
 * length of a call, then given back; a thread that borrows again before giving back (a trust
 * manager running a negotiation of its own) finds none and makes its own.
 *
 * <p>Nothing is kept for a virtual thread (JDK 21 and later): a server may run one per connection,
 * and a buffer kept per virtual thread would be a buffer per idle connection.
 *
 * @param <T> the buffer's type
 */
public final class ThreadScratch<T> {

    /** {@code Thread.isVirtual()} where the JDK has it (21 and later); null on older ones. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final ThreadLocal<Object[]> kept = ThreadLocal.withInitial(() -> new Object[1]);

    /** A scratch holder with nothing kept yet. */
    public ThreadScratch() {
    }

    /** This thread's kept buffer, now the caller's until {@link #giveBack}; null if there is none. */
    @SuppressWarnings("unchecked")
    public T borrow() {
        if (!keepsBuffers()) {
            return null;
        }
        Object[] slot = kept.get();
        T buffer = (T) slot[0];
        slot[0] = null;
        return buffer;
    }

    /** Keeps {@code buffer} for this thread's next {@link #borrow}, unless this is a virtual thread. */
    public void giveBack(T buffer) {
        if (keepsBuffers()) {
            kept.get()[0] = buffer;
        }
    }

    /** Whether the current thread keeps buffers: every thread but a virtual one. */
    public static boolean keepsBuffers() {
        if (IS_VIRTUAL == null) {
            return true;
        }
        try {
            return !(boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable impossible) {
            throw new IllegalStateException("Thread.isVirtual() failed", impossible);
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException olderJdk) {
            return null;
        }
    }
}
