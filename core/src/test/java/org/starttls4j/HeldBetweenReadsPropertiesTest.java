package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Dialect;

/**
 * What a server waiting for commands holds between two reads, whatever the client sends and
 * however it cuts it: less than {@link Limits#maxLineLength()}, the incomplete line and nothing
 * else (running-a-server.md, "What one connection can hold"). Measured on the state itself.
 */
class HeldBetweenReadsPropertiesTest {

    static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");
    static final int LINE = 64;
    static final Limits LIMITS = Limits.DEFAULT.withMaxLineLength(LINE).withMaxCommandsBeforeTls(10_000);

    enum Protocol {
        SMTP(Smtp::server), IMAP(Imap::server), POP3(Pop3::server);

        final Function<ServerConfig, Negotiation> server;

        Protocol(Function<ServerConfig, Negotiation> server) {
            this.server = server;
        }
    }

    @Provide
    Arbitrary<String> input() {
        Arbitrary<String> pieces = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("NOOP\r\n", "EHLO x\r\n", "a NOOP\r\n", "CAPA\r\n", "a NOOP {5+}\r\n", "{3+}\r\n", "\r\n")),
                Tuple.of(3, Arbitraries.strings().withChars('x', ' ', '{', '}', '+', '7').ofMaxLength(LINE + 8)),
                Tuple.of(1, Arbitraries.of("\r", "\n", "\0", "\u00ff")));
        return pieces.list().ofMaxSize(60).map(list -> String.join("", list));
    }

    @Property(tries = 400)
    void aWaitingServerHoldsLessThanALine(@ForAll Protocol protocol, @ForAll("input") String input,
            @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 40) Integer> pieces) {
        ServerConfig config = ServerConfig.builder().hostname(Dialect.HOST).policy(TlsPolicy.REQUIRED)
                .sslContext(Dialect.serverContext()).limits(LIMITS).build();
        ByteBuffer bytes = ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1));
        Transition t = protocol.server.apply(config).begin(NOW);
        for (int i = 0; bytes.hasRemaining() && !t.isFinished(); i++) {
            int n = Math.min(bytes.remaining(), i < pieces.size() ? pieces.get(i) : bytes.remaining());
            ByteBuffer piece = bytes.slice(bytes.position(), n);
            bytes.position(bytes.position() + n);
            t = t.next().onReceived(piece, NOW);
            if (((Flow<?>) t.next()).phase instanceof ServerFlow.AwaitingCommands waiting) {
                assertThat(waiting.pending().length).as("held after %d pieces", i + 1).isLessThan(LINE);
            }
        }
    }
}
