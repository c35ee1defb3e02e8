package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.starttls4j.netty.testing.Leaks;

/** Proves the leak check the other tests rely on really fails: a leaked buffer is found. */
class LeakDetectionSelfTest {

    @Test
    void theDetectorIsInstalledAtParanoidBeforeAnyTestRuns() {
        assertThat(Leaks.isInstalled()).isTrue();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void aLeakedBufferFailsTheCheck() {
        leakOne();

        assertThatThrownBy(() -> Leaks.assertNone("the deliberate leak"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LEAK")
                .hasMessageContaining("ByteBuf");
        assertThat(Leaks.collect()).as("the failing check consumed what it found").isEmpty();
    }

    @Test
    void noLeakPassesTheCheck() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(64).writeInt(42);
        buf.release();

        Leaks.assertNone("a released buffer");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        leaked.writeLong(7L); // never released; unreachable once this method returns
    }
}
