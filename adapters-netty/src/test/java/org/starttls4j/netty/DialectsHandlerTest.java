package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.pump;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure.Reason;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.lmtp.Lmtp;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.nntp.Nntp;
import org.starttls4j.sieve.ManageSieve;

/**
 * LMTP, ManageSieve and NNTP through both Netty handlers, joined by an in-memory wire, with real
 * TLS (the JDK's engine and BoringSSL): the handlers need no change for a new dialect.
 */
@ExtendWith(Leaks.Check.class)
class DialectsHandlerTest {

    /** A dialect's entry points and what its application says inside TLS. */
    enum Dialect {
        LMTP(Lmtp::client, Lmtp::server, "QUIT\r\n", "221 2.0.0 Bye\r\n"),
        SIEVE(ManageSieve::client, ManageSieve::server, "LOGOUT\r\n", "OK \"Logout completed\"\r\n"),
        NNTP(Nntp::client, Nntp::server, "QUIT\r\n", "205 Connection closing\r\n");

        final Function<ClientConfig, Negotiation> client;
        final Function<ServerConfig, Negotiation> server;
        final String goodbye;
        final String goodbyeAnswer;

        Dialect(Function<ClientConfig, Negotiation> client, Function<ServerConfig, Negotiation> server, String goodbye,
                String goodbyeAnswer) {
            this.client = client;
            this.server = server;
            this.goodbye = goodbye;
            this.goodbyeAnswer = goodbyeAnswer;
        }

        /** The application's answer to one line inside TLS. */
        String answer(ServerConfig config, String line) {
            if (line.startsWith("LHLO ")) {
                return Lmtp.lhloReplyAfterTls(config, line.substring(5));
            }
            if (line.equals("CAPABILITIES")) {
                return Nntp.capabilitiesReplyAfterTls(config);
            }
            return line.equals(goodbye.strip()) ? goodbyeAnswer : "";
        }
    }

    /** The application behind the server handler: speaks first where the dialect says so, then answers lines. */
    private static final class Application extends ChannelInboundHandlerAdapter {
        private final Dialect dialect;
        private final ServerConfig config;
        private final StringBuilder pending = new StringBuilder();
        final List<String> lines = new ArrayList<>();

        Application(Dialect dialect, ServerConfig config) {
            this.dialect = dialect;
            this.config = config;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof StartTlsCompletionEvent.Secured && dialect == Dialect.SIEVE) {
                ctx.writeAndFlush(ascii(ManageSieve.capabilitiesAfterTls(config))); // RFC 5804 §2.2, unasked
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                pending.append(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
            } finally {
                ReferenceCountUtil.release(msg);
            }
            int end;
            while ((end = pending.indexOf("\r\n")) >= 0) {
                String line = pending.substring(0, end);
                pending.delete(0, end + 2);
                lines.add(line);
                String answer = dialect.answer(config, line);
                if (!answer.isEmpty()) {
                    ctx.writeAndFlush(ascii(answer));
                }
            }
        }
    }

    private final Fixtures.Recorder clientApp = new Fixtures.Recorder();
    private final Fixtures.Recorder serverApp = new Fixtures.Recorder();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel channel(io.netty.channel.ChannelHandler... handlers) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers);
        channels.add(channel);
        return channel;
    }

    private static ServerConfig config(TlsPolicy policy, Fixtures.Engine engine) {
        return Fixtures.server(policy, engine).capabilitiesBeforeTls(Fixtures.caps("PIPELINING", "READER"))
                .capabilitiesAfterTls(Fixtures.caps("PIPELINING", "READER", "SASL PLAIN", "AUTH PLAIN")).build();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void startTlsSecuresBothEndsWithTheJdkEngineOnOneSideAndBoringSslOnTheOther(Dialect dialect) {
        Fixtures.requireOpenSsl();
        ServerConfig config = config(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL);
        Application application = new Application(dialect, config);
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, dialect.server::apply), application, serverApp);
        EmbeddedChannel client = channel(new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED), dialect.client::apply), clientApp);

        pump(client, server);

        StartTlsCompletionEvent.Secured secured = clientApp.completion(StartTlsCompletionEvent.Secured.class);
        assertThat(secured.capabilities().list()).as("learned inside TLS").anyMatch(c -> c.is("SASL") || c.is("AUTH"));
        assertThat(secured.capabilities().has("STARTTLS")).isFalse();
        assertThat(secured.events()).filteredOn(Event.Line.class::isInstance).map(e -> (Event.Line) e)
                .filteredOn(l -> l.direction() == Event.Direction.SENT && !l.encrypted())
                .allSatisfy(l -> assertThat(l.text()).doesNotContainIgnoringCase("AUTH"));
        assertThat(serverApp.completion(StartTlsCompletionEvent.Secured.class).tls().cipherSuite())
                .isEqualTo(secured.tls().cipherSuite());

        client.writeAndFlush(ascii(dialect.goodbye));
        pump(client, server);
        assertThat(clientApp.received()).isEqualTo(dialect.goodbyeAnswer);
        assertThat(application.lines).last().isEqualTo(dialect.goodbye.strip());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void commandsPipelinedAfterStartTlsFailTheServerHandler(Dialect dialect) {
        ServerConfig config = config(TlsPolicy.REQUIRED, Fixtures.Engine.JDK);
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, dialect.server::apply), serverApp);
        Fixtures.drainOutbound(server);

        server.writeInbound(ascii("STARTTLS\r\n" + dialect.goodbye));

        assertThat(serverApp.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(Fixtures.drainOutbound(server)).isEmpty();
        assertThat(serverApp.reads).isZero();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anOpportunisticClientHandsOverInPlaintextWhenTheServerOffersNoTls(Dialect dialect) {
        ServerConfig config = config(TlsPolicy.PLAINTEXT_ONLY, Fixtures.Engine.JDK);
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, dialect.server::apply), serverApp);
        EmbeddedChannel client = channel(new StartTlsClientHandler(Fixtures.client(TlsPolicy.OPPORTUNISTIC), dialect.client::apply),
                clientApp);

        pump(client, server);

        StartTlsCompletionEvent.Plaintext plain = clientApp.completion(StartTlsCompletionEvent.Plaintext.class);
        assertThat(plain.session().fallbackCause().orElseThrow().reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
        assertThat(client.pipeline().get(StartTlsClientHandler.class)).isNull();
    }
}
