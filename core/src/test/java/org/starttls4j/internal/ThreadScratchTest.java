package org.starttls4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ThreadScratchTest {

    @Test
    void aBufferGivenBackIsLentOnceToTheSameThread() {
        ThreadScratch<byte[]> scratch = new ThreadScratch<>();
        byte[] buffer = new byte[8];

        assertThat(scratch.borrow()).isNull();
        scratch.giveBack(buffer);
        assertThat(scratch.borrow()).isSameAs(buffer);
        assertThat(scratch.borrow()).as("lent: a second borrower makes its own").isNull();
    }

    @Test
    void anotherThreadNeverSeesThisThreadsBuffer() throws Exception {
        ThreadScratch<byte[]> scratch = new ThreadScratch<>();
        scratch.giveBack(new byte[8]);

        CompletableFuture<byte[]> elsewhere = CompletableFuture.supplyAsync(scratch::borrow, runnable -> new Thread(runnable).start());

        assertThat(elsewhere.get(30, TimeUnit.SECONDS)).isNull();
        assertThat(scratch.borrow()).isNotNull();
    }

    @Test
    void platformThreadsKeepBuffersAndVirtualThreadsNever() throws Exception {
        assertThat(ThreadScratch.keepsBuffers()).isTrue();
        Method ofVirtual = virtualThreadBuilder();
        if (ofVirtual == null) {
            // JDK 17 to 20: no virtual threads to guard against (CI runs this class on JDK 25 too).
            assertThat(Runtime.version().feature()).isLessThan(21);
            return;
        }
        ThreadScratch<byte[]> scratch = new ThreadScratch<>();
        CompletableFuture<Boolean> keeps = onVirtualThread(ofVirtual, () -> {
            scratch.giveBack(new byte[8]);
            return ThreadScratch.keepsBuffers() || scratch.borrow() != null;
        });

        assertThat(keeps.get(30, TimeUnit.SECONDS)).as("a virtual thread keeps nothing").isFalse();
    }

    private static Method virtualThreadBuilder() {
        try {
            return Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException olderJdk) {
            return null;
        }
    }

    /** Runs {@code work} on a new virtual thread (JDK 21+ API, reached by reflection: the release is 17). */
    private static <T> CompletableFuture<T> onVirtualThread(Method ofVirtual, Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Object builder = ofVirtual.invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class); // the public interface's
        start.invoke(builder, (Runnable) () -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
