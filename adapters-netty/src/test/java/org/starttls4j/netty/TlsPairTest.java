package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.pump;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.CertificateCheck;
import org.starttls4j.CertificateProblem;
import org.starttls4j.ClientConfig;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Event;
import org.starttls4j.Failure.Reason;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.Fixtures.Engine;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * A client handler and a server handler on two {@link EmbeddedChannel}s joined by an in-memory
 * wire ({@link Fixtures#pump}): real TLS with the JDK engine and with BoringSSL on either end,
 * for SMTP, IMAP and POP3, then application bytes through TLS, close_notify, truncation, a broken
 * record, and delegated tasks handed to an executor. After the negotiation the pipeline holds Netty's
 * own {@link SslHandler}: closing, truncation and broken records are reported the way Netty reports them.
 */
@ExtendWith(Leaks.Check.class)
class TlsPairTest {

    private final Fixtures.Recorder clientApp = new Fixtures.Recorder();
    private final Fixtures.Recorder serverApp = new Fixtures.Recorder();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private String serverReceivedDuringSetup;

    @AfterEach
    void tearDown() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    static Stream<Arguments> protocolsAndEngines() {
        List<Arguments> all = new ArrayList<>();
        for (MailProtocol protocol : MailProtocol.values()) {
            for (Engine client : Engine.values()) {
                for (Engine server : Engine.values()) {
                    all.add(Arguments.of(protocol, client, server));
                }
            }
        }
        return all.stream();
    }

    static ServerConfig serverConfig(MailProtocol protocol, TlsPolicy policy, Engine engine) {
        return Fixtures.server(policy, engine).capabilitiesBeforeTls(protocol.capabilitiesBeforeTls())
                .capabilitiesAfterTls(protocol.capabilitiesAfterTls()).build();
    }

    private EmbeddedChannel channel(io.netty.channel.ChannelHandler... handlers) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers);
        channels.add(channel);
        return channel;
    }

    @ParameterizedTest(name = "{0}: client {1}, server {2}")
    @MethodSource("protocolsAndEngines")
    void startTlsSecuresBothEndsThenTheApplicationsTalkInsideTls(MailProtocol protocol, Engine clientEngine, Engine serverEngine) {
        ServerConfig config = serverConfig(protocol, TlsPolicy.REQUIRED, serverEngine);
        Responder responder = new Responder(protocol, config);
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, protocol::server), new ResponderHandler(responder), serverApp);
        EmbeddedChannel client = channel(new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED, clientEngine).build(), protocol::client),
                clientApp);

        pump(client, server);

        StartTlsCompletionEvent.Secured secured = clientApp.completion(StartTlsCompletionEvent.Secured.class);
        assertThat(secured.tls().protocol()).isEqualTo("TLSv1.3");
        assertThat(secured.capabilities().list()).as("asked again inside TLS: AUTH is only announced there")
                .anyMatch(protocol::isAuthCapability);
        assertThat(secured.events()).filteredOn(Event.Line.class::isInstance).map(e -> (Event.Line) e)
                .filteredOn(l -> l.direction() == Event.Direction.SENT && !l.encrypted())
                .allSatisfy(l -> assertThat(l.text()).doesNotContainIgnoringCase("LOGIN").doesNotContainIgnoringCase("AUTH"));
        assertThat(serverApp.completion(StartTlsCompletionEvent.Secured.class).tls().cipherSuite())
                .isEqualTo(secured.tls().cipherSuite());

        String goodbye = protocol == MailProtocol.IMAP ? "A100 LOGOUT\r\n" : "QUIT\r\n";
        client.writeAndFlush(ascii(goodbye));
        pump(client, server);

        String expectedReply = switch (protocol) {
            case SMTP -> "221 2.0.0 Bye\r\n";
            case IMAP -> "* BYE logging out\r\nA100 OK LOGOUT completed\r\n";
            case POP3 -> "+OK bye\r\n";
        };
        assertThat(clientApp.received()).isEqualTo(expectedReply);
        Responder.ServedSession served = responder.nextSession(Duration.ofSeconds(1));
        assertThat(served.facts().encrypted()).isTrue();
        assertThat(served.firstReceived()).as("the first command after TLS reached the application inside TLS")
                .isEqualTo(switch (protocol) {
                    case SMTP -> "EHLO client.example.test";
                    case IMAP -> "A2 CAPABILITY";
                    case POP3 -> "CAPA";
                });
        assertThat(server.isOpen()).as("the server closed after goodbye").isFalse();
        assertThat(clientApp.otherEvents).as("its close_notify reached the client").contains(SslCloseCompletionEvent.SUCCESS);
        assertThat(clientApp.otherEvents).as("Netty's own handshake event reached the application")
                .contains(SslHandshakeCompletionEvent.SUCCESS);
        assertThat(client.pipeline().get(SslHandler.class)).as("Netty's SslHandler carries the session").isNotNull();
        assertThat(client.pipeline().get(StartTlsClientHandler.class)).isNull();
        assertThat(clientApp.exceptions).isEmpty();
        assertThat(serverApp.exceptions).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void implicitTlsGreetsInsideTls(Engine engine) {
        ServerConfig config = Fixtures.server(TlsPolicy.IMPLICIT, engine).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, Smtp::server), new ResponderHandler(responder), serverApp);
        EmbeddedChannel client = channel(new StartTlsClientHandler(Fixtures.client(TlsPolicy.IMPLICIT, engine).build(), Smtp::client), clientApp);

        pump(client, server);

        StartTlsCompletionEvent.Secured secured = clientApp.completion(StartTlsCompletionEvent.Secured.class);
        assertThat(secured.events()).filteredOn(Event.GreetingReceived.class::isInstance)
                .singleElement().satisfies(g -> assertThat(((Event.GreetingReceived) g).encrypted()).isTrue());
        assertThat(secured.capabilities().has("AUTH")).isTrue();
    }

    /** Runs the SMTP negotiation, answering the client's EHLO inside TLS by hand; returns {client, server}. */
    private EmbeddedChannel[] securedSmtp(Engine engine, EmbeddedChannel clientChannel) {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, engine).build();
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, Smtp::server), serverApp);
        EmbeddedChannel client = clientChannel != null ? clientChannel
                : channel(new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED, engine).build(), Smtp::client), clientApp);
        pump(client, server);
        assertThat(serverApp.order).as("Netty's handshake event, ours, then the EHLO that came with the client's Finished")
                .containsExactly("event:" + SslHandshakeCompletionEvent.SUCCESS, "completion:Secured", "read:EHLO client.example.test\r\n");
        server.writeAndFlush(ascii(Smtp.ehloReplyAfterTls(config, "client.example.test")));
        pump(client, server);
        clientApp.completion(StartTlsCompletionEvent.Secured.class);
        serverReceivedDuringSetup = serverApp.received();
        serverApp.clearReads();
        clientApp.clearReads();
        return new EmbeddedChannel[] {client, server};
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void largeWritesAreCutIntoRecordsAndArriveWhole(Engine engine) {
        EmbeddedChannel[] pair = securedSmtp(engine, null);
        byte[] payload = new byte[100_000];
        Arrays.fill(payload, (byte) 'x');
        payload[payload.length - 1] = '\n';

        ChannelFuture written = pair[0].writeAndFlush(Unpooled.wrappedBuffer(payload));

        assertThat(written.isSuccess()).isTrue();
        assertThat(pair[0].outboundMessages()).as("cut into records by the SslHandler").hasSizeGreaterThan(1);
        pump(pair[0], pair[1]);
        assertThat(serverApp.received().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(payload);
    }

    @Test
    void smallWritesAreCoalescedIntoOneRecordOnFlush() {
        EmbeddedChannel[] pair = securedSmtp(Engine.JDK, null);

        ChannelFuture a = pair[0].write(ascii("MAIL FROM:<a@example.test>\r\n"));
        ChannelFuture b = pair[0].write(ascii("RCPT TO:<b@example.test>\r\n"));
        ChannelFuture c = pair[0].write(ascii("DATA\r\n"));
        assertThat(pair[0].outboundMessages()).as("nothing before the flush").isEmpty();
        pair[0].flush();

        assertThat(pair[0].outboundMessages()).as("three writes, one record").hasSize(1);
        assertThat(a.isSuccess() && b.isSuccess() && c.isSuccess()).isTrue();
        pump(pair[0], pair[1]);
        assertThat(serverApp.received()).isEqualTo("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
    }

    @Test
    void writesMadeBeforeTheHandOverAreEncryptedAfterIt() {
        EmbeddedChannel client = channel(new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED), Smtp::client), clientApp);
        ChannelFuture early = client.writeAndFlush(ascii("MAIL FROM:<early@example.test>\r\n"));
        assertThat(client.outboundMessages()).isEmpty();

        EmbeddedChannel[] pair = securedSmtp(Engine.JDK, client);
        pump(pair[0], pair[1]);

        assertThat(early.isSuccess()).isTrue();
        assertThat(serverReceivedDuringSetup).as("sent inside TLS as soon as the client was secured")
                .isEqualTo("EHLO client.example.test\r\nMAIL FROM:<early@example.test>\r\n");
        assertThat(clientApp.completion().events()).filteredOn(Event.Line.class::isInstance)
                .noneMatch(e -> ((Event.Line) e).text().contains("early"));
    }

    @Test
    void closingSendsCloseNotifyAndThePeerSeesACleanEnd() {
        EmbeddedChannel[] pair = securedSmtp(Engine.JDK, null);

        pair[0].close();
        pump(pair[0], pair[1]);

        assertThat(serverApp.otherEvents).containsExactly(SslHandshakeCompletionEvent.SUCCESS, SslCloseCompletionEvent.SUCCESS);
        pair[1].pipeline().fireChannelInactive(); // the client's FIN, after its close_notify
        assertThat(serverApp.otherEvents).as("a clean end, no truncation: nothing more")
                .containsExactly(SslHandshakeCompletionEvent.SUCCESS, SslCloseCompletionEvent.SUCCESS);
        assertThat(serverApp.exceptions).isEmpty();
        assertThat(clientApp.exceptions).isEmpty();
    }

    @Test
    void anEndOfStreamWithoutCloseNotifyIsNettysFailedCloseEvent() {
        EmbeddedChannel[] pair = securedSmtp(Engine.JDK, null);

        pair[1].pipeline().fireChannelInactive();

        assertThat(serverApp.otherEvents).last().isInstanceOfSatisfying(SslCloseCompletionEvent.class, e -> {
            assertThat(e.isSuccess()).as("no close_notify came: a truncation").isFalse();
            assertThat(e.cause()).isInstanceOf(ClosedChannelException.class);
        });
        assertThat(serverApp.inactive).isTrue();
    }

    @Test
    void aBrokenRecordIsAnExceptionAnAlertAndAClose() {
        EmbeddedChannel[] pair = securedSmtp(Engine.JDK, null);
        pair[1].writeInbound(Fixtures.forgedRecord());

        assertThat(serverApp.exceptions).singleElement().isInstanceOfSatisfying(DecoderException.class,
                e -> assertThat(e).hasCauseInstanceOf(SSLException.class));
        assertThat(serverApp.reads).isZero();
        ByteBuf alert = pair[1].readOutbound();
        try {
            assertThat(alert.getByte(0)).as("a TLS record goes out before the close (the alert)").isIn((byte) 0x15, (byte) 0x17);
        } finally {
            ReferenceCountUtil.release(alert);
        }
        assertThat(pair[1].isOpen()).isFalse();
    }

    @Test
    void aRecordSplitAcrossReadsIsDecryptedOnceWholeAndAReadIsRequestedForTheRest() {
        Fixtures.OutboundCounter counter = new Fixtures.OutboundCounter();
        EmbeddedChannel client = channel(counter, new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED), Smtp::client), clientApp);
        EmbeddedChannel[] pair = securedSmtp(Engine.JDK, client);
        client.config().setAutoRead(false);
        int readsBefore = counter.reads;
        pair[1].writeAndFlush(ascii("250 2.1.0 Ok\r\n"));
        ByteBuf record = pair[1].readOutbound();

        client.read(); // the application asks for bytes
        assertThat(counter.reads).isEqualTo(readsBefore + 1);
        client.writeInbound(record.retainedSlice(0, 7));
        assertThat(clientApp.reads).isZero();
        assertThat(counter.reads).as("half a record is no answer: the handler reads again for the application")
                .isEqualTo(readsBefore + 2);
        client.writeInbound(record.retainedSlice(7, record.readableBytes() - 7));
        record.release();

        assertThat(clientApp.received()).isEqualTo("250 2.1.0 Ok\r\n");
        assertThat(counter.reads).as("answered: no read the application did not ask for").isEqualTo(readsBefore + 2);
    }

    @Test
    void delegatedTasksRunOnTheGivenExecutorNotOnTheEventLoop() {
        Queue<Runnable> executor = new ArrayDeque<>();
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Engine.JDK).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        ClientConfig clientConfig = Fixtures.client(TlsPolicy.REQUIRED, Engine.JDK).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, Smtp::server, executor::add),
                new ResponderHandler(responder), serverApp);
        EmbeddedChannel client = channel(new StartTlsClientHandler(clientConfig, Smtp::client, executor::add), clientApp);

        int jobs = 0;
        pump(client, server);
        while (!executor.isEmpty()) {
            assertThat(client.pipeline().get(StartTlsClientHandler.class).state() + "/"
                    + server.pipeline().get(StartTlsServerHandler.class).state()).contains("AwaitingTransportTls");
            executor.poll().run(); // "another thread"; the handler then resumes on its event loop
            jobs++;
            pump(client, server);
        }

        assertThat(jobs).as("the handshake's tasks were handed over").isPositive();
        assertThat(clientApp.completion()).isInstanceOf(StartTlsCompletionEvent.Secured.class);
        assertThat(serverApp.completion()).isInstanceOf(StartTlsCompletionEvent.Secured.class);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void aCertificateForAnotherNameIsRejected(Engine engine) {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, engine).build();
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, Smtp::server), serverApp);
        ClientConfig clientConfig = Fixtures.client(TlsPolicy.REQUIRED, engine).serverName("other.example.test").build();
        EmbeddedChannel client = channel(new StartTlsClientHandler(clientConfig, Smtp::client), clientApp);

        pump(client, server);

        StartTlsCompletionEvent.Failed failed = clientApp.completion(StartTlsCompletionEvent.Failed.class);
        assertThat(failed.failure().reason()).as(failed.failure().toString()).isEqualTo(Reason.CERTIFICATE_REJECTED);
        assertThat(failed.failure().certificateProblem()).as("the core's \"HTTPS\" endpoint identification, set through "
                + "SSLParameters, works with BoringSSL too").contains(CertificateProblem.HOST_MISMATCH);
        if (engine == Engine.JDK) {
            assertThat(serverApp.completion()).as("the client's trust manager ends the handshake with an alert")
                    .isInstanceOf(StartTlsCompletionEvent.Failed.class);
        } else {
            assertThat(serverApp.otherEvents).as("BoringSSL's handshake completed before the core checked the name; "
                    + "the client then closed with close_notify").contains(SslCloseCompletionEvent.SUCCESS);
        }
        assertThat(client.isOpen()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void theSameCertificateIsAcceptedWhenOnlyTheHostnameCheckIsOff(Engine engine) {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, engine).build();
        EmbeddedChannel server = channel(new StartTlsServerHandler(config, Smtp::server), serverApp);
        ClientConfig clientConfig = Fixtures.client(TlsPolicy.REQUIRED, engine).serverName("other.example.test")
                .certificateCheck(new CertificateCheck(true, false, java.util.Set.of())).build();
        EmbeddedChannel client = channel(new StartTlsClientHandler(clientConfig, Smtp::client), clientApp);

        pump(client, server);

        assertThat(serverApp.completion()).as("so the rejection above is the hostname check the core sets through "
                + "SSLParameters, honoured by this engine").isInstanceOf(StartTlsCompletionEvent.Secured.class);
    }
}
