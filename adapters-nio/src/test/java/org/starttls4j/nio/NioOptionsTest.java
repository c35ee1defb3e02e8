package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/** The one options type the three NIO builders share: its defaults, its checks, and each builder using them. */
class NioOptionsTest {

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        NioOptions d = NioOptions.DEFAULTS;
        assertThat(d.clock()).isSameAs(MonotonicClock.INSTANCE);
        assertThat(d.bufferPool()).isSameAs(BufferPool.shared());
        assertThat(d.taskExecutor()).as("inline").isNull();
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.closeTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void eachWithChangesOneSettingAndKeepsTheOthers() {
        BufferPool pool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 2, false);
        Executor executor = Runnable::run;
        NioOptions o = NioOptions.DEFAULTS.withClock(FIXED).withBufferPool(pool).withTaskExecutor(executor)
                .withConnectTimeout(Duration.ofMillis(5)).withCloseTimeout(Duration.ZERO);
        assertThat(o).isEqualTo(new NioOptions(FIXED, pool, executor, Duration.ofMillis(5), Duration.ZERO));
        assertThat(o.withClock(MonotonicClock.INSTANCE)).isEqualTo(
                new NioOptions(MonotonicClock.INSTANCE, pool, executor, Duration.ofMillis(5), Duration.ZERO));
    }

    @Test
    void badValuesAreRefusedWhereTheyAreSet() {
        assertThatThrownBy(() -> NioOptions.DEFAULTS.withConnectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectTimeout must be positive");
        assertThatThrownBy(() -> NioOptions.DEFAULTS.withCloseTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("closeTimeout must not be negative");
        assertThatThrownBy(() -> NioOptions.DEFAULTS.withClock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
        assertThatThrownBy(() -> NioOptions.DEFAULTS.withBufferPool(null)).isInstanceOf(NullPointerException.class).hasMessage("bufferPool");
    }

    @Test
    void everyBuilderSharesTheSettersAndTheirChecks() throws IOException {
        try (SocketChannel socket = SocketChannel.open()) {
            List<Supplier<NioBuilder<?>>> builders = List.of(NioClient::builder,
                    () -> NioServer.builder(Fixtures.server(TlsPolicy.REQUIRED).build(), Smtp::server),
                    () -> NonBlockingNegotiation.builder(socket, Smtp.client(Fixtures.client(TlsPolicy.REQUIRED).build())));
            for (Supplier<NioBuilder<?>> builder : builders) {
                NioBuilder<?> b = builder.get();
                assertThat(b.clock(FIXED)).as("chained").isSameAs(b);
                b.closeTimeout(Duration.ZERO);
                assertThat(b.options.clock()).isSameAs(FIXED);
                assertThat(b.options.closeTimeout()).isZero();
                assertThatThrownBy(() -> b.closeTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> b.bufferPool(null)).isInstanceOf(NullPointerException.class);
                assertThat(b.options.closeTimeout()).as("a refused value changes nothing").isZero();
            }
        }
        assertThatThrownBy(() -> NioClient.builder().connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NioClient.builder().taskExecutor(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theServerRunsDelegatedTasksOnItsOwnThreadsByDefaultAndTheClientInline() throws Exception {
        NioServer.Builder builder = NioServer.builder(Fixtures.server(TlsPolicy.REQUIRED).build(), Smtp::server);
        assertThat(builder.options.taskExecutor()).as("none until the server starts and makes its own").isNull();
        try (NioServer server = builder.bind(Fixtures.anyLoopbackPort()).onSession(channel -> { }).start()) {
            assertThat(server.ownTaskExecutor()).isNotNull().isNotSameAs(java.util.concurrent.ForkJoinPool.commonPool());
        }
        assertThat(NioClient.builder().options.taskExecutor()).isNull();
    }
}
