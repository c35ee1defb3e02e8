package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Failure.Reason;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;

/**
 * The server handler with SMTP on an {@link EmbeddedChannel}: exact bytes on the wire, what
 * reaches the application, the timeout on the channel's (mock) clock, and that nothing leaks.
 */
@ExtendWith(Leaks.Check.class)
class SmtpServerHandlerTest {

    static final String GREETING = "220 mail.example.test ESMTP starttls4j\r\n";
    static final String EHLO_REPLY = "250-mail.example.test greets c\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 STARTTLS\r\n";

    private final Fixtures.Recorder app = new Fixtures.Recorder();
    private EmbeddedChannel channel;

    private EmbeddedChannel open(TlsPolicy policy) {
        return open(Fixtures.server(policy));
    }

    private EmbeddedChannel open(ServerConfig config) {
        channel = new EmbeddedChannel(new StartTlsServerHandler(config, Smtp::server), app);
        return channel;
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void greetsAsSoonAsTheChannelIsActiveAndAnswersEhloWithoutBotheringTheApplication() {
        open(TlsPolicy.REQUIRED);
        assertThat(drainOutbound(channel)).isEqualTo(GREETING);

        channel.writeInbound(ascii("EHLO c\r\n"));

        assertThat(drainOutbound(channel)).isEqualTo(EHLO_REPLY);
        assertThat(app.completions).isEmpty();
        assertThat(app.reads).isZero();
        assertThat(channel.pipeline().get(StartTlsServerHandler.class).state()).isEqualTo("AwaitingCommand");
    }

    @Test
    void commandsPipelinedInOneReadAreAnsweredInOneFlush() {
        open(TlsPolicy.REQUIRED);
        drainOutbound(channel);

        channel.writeInbound(ascii("EHLO c\r\nNOOP\r\nRSET\r\n"));

        assertThat(Fixtures.countOutbound(channel)).as("one buffer: written together, flushed once").isEqualTo(1);
    }

    @Test
    void commandsPipelinedAfterStartTlsFailWithPlaintextInjectionAndAreNeverAnswered() {
        open(TlsPolicy.REQUIRED);
        drainOutbound(channel);

        channel.writeInbound(ascii("STARTTLS\r\nMAIL FROM:<x@example.test>\r\n"));

        StartTlsCompletionEvent.Failed failed = app.completion(StartTlsCompletionEvent.Failed.class);
        assertThat(failed.failure().reason()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(drainOutbound(channel)).as("neither 220 nor 250: nothing more in plaintext").isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(app.reads).as("the injected command never reaches the application").isZero();
    }

    @Test
    void underRequiredApplicationCommandsGet530AndNeverReachTheApplication() {
        open(TlsPolicy.REQUIRED);
        drainOutbound(channel);

        channel.writeInbound(ascii("EHLO c\r\nMAIL FROM:<a@example.test>\r\n"));

        assertThat(drainOutbound(channel)).isEqualTo(EHLO_REPLY + "530 5.7.0 Must issue a STARTTLS command first\r\n");
        assertThat(app.completions).isEmpty();
        assertThat(app.reads).isZero();
    }

    @Test
    void underOpportunisticTheFirstApplicationCommandIsHandedOverUnreadAndTheHandlerStepsAside() {
        open(TlsPolicy.OPPORTUNISTIC);
        drainOutbound(channel);

        channel.writeInbound(ascii("EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n"));

        StartTlsCompletionEvent.Plaintext plain = app.completion(StartTlsCompletionEvent.Plaintext.class);
        assertThat(plain.session().fallbackCause()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Reason.STARTTLS_NOT_USED));
        assertThat(app.order).containsExactly("completion:Plaintext", "read:MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n");
        assertThat(app.readCompletes).isEqualTo(1);
        assertThat(channel.pipeline().get(StartTlsServerHandler.class)).as("removed itself").isNull();
        assertThat(drainOutbound(channel)).isEqualTo(EHLO_REPLY);

        channel.writeAndFlush(ascii("250 2.1.0 Ok\r\n"));
        channel.writeInbound(ascii("DATA\r\n"));

        assertThat(drainOutbound(channel)).isEqualTo("250 2.1.0 Ok\r\n");
        assertThat(app.received()).endsWith("DATA\r\n");
    }

    @Test
    void theApplicationsWritesFailAtOnceWhileTheServerNegotiatesAndGoOutAfterTheOutcome() {
        open(TlsPolicy.OPPORTUNISTIC);
        drainOutbound(channel);

        ChannelFuture early = channel.writeAndFlush(ascii("250 written too early\r\n"));

        assertThat(early.cause()).as("never queued: it could only go out inside TLS")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AwaitingCommand");
        assertThat(drainOutbound(channel)).isEmpty();

        channel.writeInbound(ascii("MAIL FROM:<a@example.test>\r\n"));
        ChannelFuture late = channel.writeAndFlush(ascii("250 2.1.0 Ok\r\n"));

        assertThat(app.completion()).isInstanceOf(StartTlsCompletionEvent.Plaintext.class);
        assertThat(late.isSuccess()).isTrue();
        assertThat(drainOutbound(channel)).isEqualTo("250 2.1.0 Ok\r\n");
    }

    @Test
    void theDeadlineIsATaskOnTheEventLoopAndEndsTheNegotiationWith421() {
        open(TlsPolicy.REQUIRED);
        drainOutbound(channel);
        long first = Timeouts.DEFAULT.firstCommand().toSeconds();

        channel.advanceTimeBy(first - 1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(app.completions).as("a client that said nothing yet has Timeouts.firstCommand").isEmpty();

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(drainOutbound(channel)).isEqualTo("421 4.4.2 mail.example.test Error: timeout exceeded\r\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void everyCommandMovesTheDeadline() {
        open(TlsPolicy.REQUIRED);
        drainOutbound(channel);
        long next = Timeouts.DEFAULT.nextCommand().toSeconds();

        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(ascii("NOOP\r\n"));
        channel.advanceTimeBy(next - 1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(app.completions).as("the step's deadline moved with the NOOP").isEmpty();
        assertThat(drainOutbound(channel)).isEqualTo("250 2.0.0 OK\r\n");

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void thePeerClosingMidNegotiationIsOneFailedEventThenInactive() {
        open(TlsPolicy.REQUIRED);
        StartTlsServerHandler handler = channel.pipeline().get(StartTlsServerHandler.class);
        drainOutbound(channel);

        channel.pipeline().fireChannelInactive();

        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.PEER_CLOSED);
        assertThat(app.inactive).isTrue();
        assertThat(handler.completionFuture()).isCompletedWithValue(app.completion());
    }

    @Test
    void closingLocallyMidNegotiationIsOneFailedEvent() {
        open(TlsPolicy.REQUIRED);
        StartTlsServerHandler handler = channel.pipeline().get(StartTlsServerHandler.class);
        drainOutbound(channel);

        channel.close();

        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().message()).contains("closed locally");
        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.LOCAL_ABORT);
        assertThat(handler.state()).isEqualTo("FAILED");
        assertThat(drainOutbound(channel)).isEmpty();
    }

    @Test
    void removingTheHandlerMidNegotiationIsOneFailedEvent() {
        open(TlsPolicy.REQUIRED);
        StartTlsServerHandler handler = channel.pipeline().get(StartTlsServerHandler.class);

        channel.pipeline().remove(handler);

        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().message()).contains("removed");
        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.LOCAL_ABORT);
        assertThat(handler.completionFuture()).isCompletedWithValue(app.completion());
    }

    @Test
    void onlyByteBufsCanBeWritten() {
        open(TlsPolicy.REQUIRED);

        ChannelFuture f = channel.writeAndFlush("a String");

        assertThat(f.cause()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ByteBufs only");
    }

    @Test
    void withAutoReadOffTheHandlerReadsForItselfUntilTheOutcome() {
        Fixtures.OutboundCounter counter = new Fixtures.OutboundCounter();
        channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(counter, new StartTlsServerHandler(Fixtures.server(TlsPolicy.OPPORTUNISTIC), Smtp::server), app);
        assertThat(drainOutbound(channel)).isEqualTo(GREETING);
        assertThat(counter.reads).as("the first read, asked at once").isEqualTo(1);

        channel.writeInbound(ascii("EHLO c\r\n"));
        assertThat(counter.reads).as("another read after each batch while negotiating").isEqualTo(2);

        channel.writeInbound(ascii("MAIL FROM:<a@example.test>\r\n"));
        assertThat(app.completion()).isInstanceOf(StartTlsCompletionEvent.Plaintext.class);
        assertThat(counter.reads).as("no read of its own once the application owns the connection").isEqualTo(2);
    }

    @Test
    void aServerThatWasHandedOverInPlaintextCanResumeForALateStartTls() {
        open(TlsPolicy.OPPORTUNISTIC);
        channel.writeInbound(ascii("EHLO c\r\nMAIL FROM:<a@example.test>\r\n"));
        drainOutbound(channel);
        Fixtures.Recorder later = new Fixtures.Recorder();
        channel.pipeline().addLast(later);
        StartTlsServerHandler.resume(channel.pipeline().context(later), "STARTTLS\r\n",
                Fixtures.server(TlsPolicy.OPPORTUNISTIC), Smtp::serverResuming);
        channel.runPendingTasks();

        assertThat(drainOutbound(channel)).as("no second greeting, just the go-ahead").isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        assertThat(later.completions).isEmpty();
        assertThat(channel.pipeline().get(StartTlsServerHandler.class).state()).isEqualTo("AwaitingTransportTls");
        assertThat(channel.pipeline().first()).as("the SslHandler, closest to the socket").isInstanceOf(SslHandler.class);
    }

    @Test
    void bytesSplitAcrossReadsAreFramedByTheCore() {
        open(TlsPolicy.REQUIRED);
        drainOutbound(channel);

        for (char c : "EHLO c\r\n".toCharArray()) {
            ByteBuf one = ascii(String.valueOf(c));
            channel.writeInbound(one);
        }

        assertThat(drainOutbound(channel)).isEqualTo(EHLO_REPLY);
    }
}
