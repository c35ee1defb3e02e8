package org.starttls4j.netty.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Netty's leak detector at {@code PARANOID}, with every leak it finds recorded here so that a test
 * fails on it (Netty itself only logs). Installed by the JUnit launcher before any test class is
 * loaded ({@link Installer}, registered in {@code META-INF/services}), because {@code ByteBuf}'s
 * detector is created once, when the class is first initialized. Each test class uses
 * {@link Check} to fail any test that leaked.
 */
public final class Leaks {

    private static final List<String> FOUND = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private Leaks() {
    }

    /** Installs the recording detector factory at PARANOID level; idempotent. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        installed = true;
    }

    /** Whether the factory was installed before Netty's buffers were first used. */
    public static boolean isInstalled() {
        return installed;
    }

    /**
     * Makes unreachable resources visible to the detectors: collects garbage until a canary has
     * been cleared and enqueued (a blocking wait on a reference queue, not a sleep), then allocates
     * tracked buffers, which is when a detector reports what the collector found.
     *
     * @return the leaks found so far (and forgets them)
     */
    public static List<String> collect() {
        for (int round = 0; round < 2; round++) {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
            System.gc();
            try {
                if (queue.remove(2_000) == null && canary.get() != null) {
                    throw new AssertionError("the garbage collector did not run: leak detection cannot be trusted");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            // Allocation is when the detectors look at their reference queues.
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(1);
            pooled.release();
            ByteBuf unpooledHeap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(1);
            unpooledHeap.release();
            ByteBuf unpooledDirect = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
            unpooledDirect.release();
        }
        List<String> leaks = new ArrayList<>(FOUND);
        FOUND.removeAll(leaks);
        return leaks;
    }

    /** Fails when {@link #collect()} finds any leak. */
    public static void assertNone(String where) {
        if (!installed) {
            throw new AssertionError("the leak detector was not installed before Netty started: check "
                    + "META-INF/services/org.junit.platform.launcher.LauncherSessionListener");
        }
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty resource leak(s) after " + where + ":\n" + String.join("\n\n", leaks));
        }
    }

    /** The JUnit launcher hook that installs the detector before any test runs. */
    public static final class Installer implements LauncherSessionListener {
        /** Created by the JUnit launcher through {@code META-INF/services}. */
        public Installer() {
        }

        @Override
        public void launcherSessionOpened(LauncherSession session) {
            install();
        }
    }

    /** Fails a test (and a class) that leaked a reference-counted Netty resource. */
    public static final class Check implements AfterEachCallback, AfterAllCallback {
        /** Created by JUnit for {@code @ExtendWith}. */
        public Check() {
        }

        @Override
        public void afterEach(ExtensionContext context) {
            assertNone(context.getDisplayName());
        }

        @Override
        public void afterAll(ExtensionContext context) {
            assertNone("all of " + context.getDisplayName());
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new Recording<>(resource, samplingInterval);
        }

        /** The older, deprecated form Netty may still call; same detector. */
        @Deprecated
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new Recording<>(resource, samplingInterval);
        }
    }

    private static final class Recording<T> extends ResourceLeakDetector<T> {

        Recording(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true; // report even when no logger is configured
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            FOUND.add("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            FOUND.add("LEAK: " + resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
