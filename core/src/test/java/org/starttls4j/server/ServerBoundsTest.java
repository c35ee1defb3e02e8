package org.starttls4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The server role's bounds, with exact bytes: the cap on commands before TLS, the answer at
 * capacity, the two waits, and the transcript bound.
 */
class ServerBoundsTest {

    static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");
    static final String HOST = "mail.example.test";
    private static SSLContext context;

    /** The three protocols, each with the commands an endless junk loop would use. */
    enum Protocol {
        SMTP(Smtp::server, "EHLO x\r\n", "421 4.7.0 mail.example.test Error: too many commands before STARTTLS\r\n",
                "421 4.3.2 mail.example.test Service busy, try again later\r\n"),
        IMAP(Imap::server, "a CAPABILITY\r\n", "* BYE Too many commands before STARTTLS\r\n",
                "* BYE [UNAVAILABLE] Server busy, try again later\r\n"),
        POP3(Pop3::server, "CAPA\r\n", "-ERR Too many commands before STLS\r\n",
                "-ERR [SYS/TEMP] Server busy, try again later\r\n");

        final Function<ServerConfig, Negotiation> server;
        final String junk;
        final String tooMany;
        final String busy;

        Protocol(Function<ServerConfig, Negotiation> server, String junk, String tooMany, String busy) {
            this.server = server;
            this.junk = junk;
            this.tooMany = tooMany;
            this.busy = busy;
        }
    }

    static synchronized SSLContext context() {
        if (context == null) {
            context = TestPki.server(KeyType.EC_P256, HOST).serverContext();
        }
        return context;
    }

    static ServerConfig.Builder config(TlsPolicy policy) {
        return ServerConfig.builder().hostname(HOST).policy(policy).sslContext(context());
    }

    static Transition feed(Negotiation n, String text) {
        return n.onReceived(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), NOW);
    }

    static String text(Transition t) {
        return new String(t.outboundBytes(), StandardCharsets.ISO_8859_1);
    }

    static Failure failure(Transition t) {
        return ((Outcome.Failed) t.outcome().orElseThrow()).failure();
    }

    // ---- commands before TLS

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void theCommandAfterTheCapIsNotExecutedButAnsweredWithTheProtocolsClosingWords(Protocol p) {
        Negotiation n = p.server.apply(config(TlsPolicy.REQUIRED).build()).begin(NOW).next();
        String answer = text(feed(n, p.junk));
        for (int i = 0; i < Limits.DEFAULT_MAX_COMMANDS_BEFORE_TLS; i++) {
            Transition t = feed(n, p.junk);
            assertThat(t.isFinished()).as("command %d", i + 1).isFalse();
            assertThat(text(t)).isEqualTo(answer);
            n = t.next();
        }
        Transition over = feed(n, p.junk);

        assertThat(text(over)).isEqualTo(p.tooMany);
        assertThat(failure(over).reason()).isEqualTo(Failure.Reason.TOO_MANY_COMMANDS);
        assertThat(failure(over).peerReply()).contains(p.junk.strip());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void sixtyFourKibibytesOfJunkInOneReadGetTwentyAnswersAndTheClosingWords(Protocol p) {
        String flood = p.junk.repeat(64 * 1024 / p.junk.length() - 1);
        Negotiation n = p.server.apply(config(TlsPolicy.REQUIRED).build()).begin(NOW).next();
        String one = text(feed(n, p.junk));

        Transition t = feed(n, flood);

        assertThat(text(t)).isEqualTo(one.repeat(Limits.DEFAULT_MAX_COMMANDS_BEFORE_TLS) + p.tooMany);
        assertThat(failure(t).reason()).isEqualTo(Failure.Reason.TOO_MANY_COMMANDS);
    }

    @Test
    void theCapIsAConfigurationValue() {
        ServerConfig config = config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxCommandsBeforeTls(2)).build();
        Transition t = feed(Smtp.server(config).begin(NOW).next(), "NOOP\r\nNOOP\r\nNOOP\r\n");

        assertThat(text(t)).isEqualTo("250 2.0.0 OK\r\n250 2.0.0 OK\r\n"
                + "421 4.7.0 mail.example.test Error: too many commands before STARTTLS\r\n");
        assertThat(failure(t).reason()).isEqualTo(Failure.Reason.TOO_MANY_COMMANDS);
    }

    @Test
    void linesOfAnImapLiteralAreNotCommands() {
        ServerConfig config = config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxCommandsBeforeTls(1)).build();
        Transition t = feed(Imap.server(config).begin(NOW).next(), "a LOGIN {6+}\r\nx\r\ny\r\n pass\r\n");

        assertThat(text(t)).isEqualTo("a NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
        assertThat(t.isFinished()).isFalse();
    }

    // ---- at capacity

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void atCapacityTheClientGetsTheBusyReplyInsteadOfTheGreeting(Protocol p) {
        Transition t = p.server.apply(config(TlsPolicy.REQUIRED).build()).beginAtCapacity(NOW);

        assertThat(text(t)).isEqualTo(p.busy);
        assertThat(failure(t).reason()).isEqualTo(Failure.Reason.SERVER_BUSY);
        assertThat(t.next().deadline()).isEmpty();
        assertThat(t.events()).containsExactly(
                new Event.Line(Event.Direction.SENT, false, NOW, p.busy.strip()), new Event.Failed(failure(t)));
    }

    @Test
    void atCapacityUnderImplicitTlsNothingIsSent() {
        Transition t = Smtp.server(config(TlsPolicy.IMPLICIT).build()).beginAtCapacity(NOW);

        assertThat(t.outboundBytes()).isEmpty();
        assertThat(failure(t).reason()).isEqualTo(Failure.Reason.SERVER_BUSY);
    }

    @Test
    void aResumedNegotiationAtCapacityAnswersTheOutstandingCommandWithTheBusyReply() {
        Transition t = Smtp.serverResuming(config(TlsPolicy.REQUIRED).build()).beginAtCapacity(NOW);

        assertThat(text(t)).isEqualTo("421 4.3.2 mail.example.test Service busy, try again later\r\n");
    }

    @Test
    void aClientHasNoCapacityAnswerAndABegunServerNoSecond() {
        Negotiation client = Smtp.client(ClientConfig.builder(HOST).build());
        assertThatThrownBy(() -> client.beginAtCapacity(NOW)).isInstanceOf(IllegalStateException.class);

        Negotiation greeted = Smtp.server(config(TlsPolicy.REQUIRED).build()).begin(NOW).next();
        assertThatThrownBy(() -> greeted.beginAtCapacity(NOW)).isInstanceOf(IllegalStateException.class);
    }

    // ---- waits

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aSilentClientGetsTheFirstCommandWaitAndATalkingOneTheNextCommandWait(Protocol p) {
        Timeouts timeouts = Timeouts.DEFAULT;
        Negotiation greeted = p.server.apply(config(TlsPolicy.REQUIRED).build()).begin(NOW).next();
        assertThat(greeted.deadline()).contains(NOW.plus(timeouts.firstCommand()));

        Instant later = NOW.plusSeconds(10);
        Negotiation talking = greeted.onReceived(ByteBuffer.wrap(p.junk.getBytes(StandardCharsets.US_ASCII)), later).next();
        assertThat(talking.deadline()).contains(later.plus(timeouts.nextCommand()));

        Negotiation halfACommand = greeted.onReceived(ByteBuffer.wrap(new byte[] {'N'}), later).next();
        assertThat(halfACommand.deadline()).as("any byte is saying something").contains(later.plus(timeouts.nextCommand()));

        Negotiation stillSilent = greeted.onReceived(ByteBuffer.allocate(0), later).next();
        assertThat(stillSilent.deadline()).as("no byte is not saying something").contains(later.plus(timeouts.firstCommand()));
    }

    @Test
    void theDefaultsAreShorterForASilentClient() {
        assertThat(Timeouts.DEFAULT.firstCommand()).isEqualTo(Duration.ofSeconds(30));
        assertThat(Timeouts.DEFAULT.nextCommand()).isEqualTo(Duration.ofSeconds(60));
        assertThat(Timeouts.DEFAULT.perStep()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aSilentClientTimesOutWithTheProtocolsWords() {
        Negotiation greeted = Smtp.server(config(TlsPolicy.REQUIRED).build()).begin(NOW).next();

        assertThat(greeted.onTick(NOW.plusSeconds(29)).isFinished()).isFalse();
        Transition t = greeted.onTick(NOW.plusSeconds(30));
        assertThat(text(t)).isEqualTo("421 4.4.2 mail.example.test Error: timeout exceeded\r\n");
        assertThat(failure(t).reason()).isEqualTo(Failure.Reason.TIMEOUT);
    }

    @Test
    void underImplicitTlsTheClientHelloIsTheFirstCommandAndLaterFlightsTheNext() throws Exception {
        Negotiation silent = Smtp.server(config(TlsPolicy.IMPLICIT).build()).begin(NOW).next();
        assertThat(silent.deadline()).contains(NOW.plus(Timeouts.DEFAULT.firstCommand()));

        javax.net.ssl.SSLEngine client = org.starttls4j.testing.TestPki.clientContextTrusting(
                org.starttls4j.testing.TestPki.ca(KeyType.EC_P256)).createSSLEngine(HOST, 465);
        client.setUseClientMode(true);
        client.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), hello);
        Instant later = NOW.plusSeconds(5);
        Negotiation handshaking = silent.onReceived(hello.flip(), later).next();

        assertThat(handshaking.isFinished()).isFalse();
        assertThat(handshaking.deadline()).contains(later.plus(Timeouts.DEFAULT.nextCommand()));
    }

    @Test
    void afterStartTlsTheHandshakeGetsTheNextCommandWait() {
        Negotiation greeted = Smtp.server(config(TlsPolicy.REQUIRED).build()).begin(NOW).next();
        Instant later = NOW.plusSeconds(3);

        Negotiation handshaking = greeted.onReceived(ByteBuffer.wrap("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII)), later).next();

        assertThat(handshaking.state()).isEqualTo("Handshaking");
        assertThat(handshaking.deadline()).contains(later.plus(Timeouts.DEFAULT.nextCommand()));
    }

    @Test
    void aResumedConnectionHasAlreadyHeardTheClient() {
        Negotiation resumed = Smtp.serverResuming(config(TlsPolicy.REQUIRED).build()).begin(NOW).next();

        assertThat(resumed.deadline()).contains(NOW.plus(Timeouts.DEFAULT.nextCommand()));
    }

    @Test
    void theTwoArgumentTimeoutsUseOneWaitEverywhere() {
        Timeouts both = new Timeouts(Duration.ofSeconds(7), Duration.ofMinutes(1));

        assertThat(both.firstCommand()).isEqualTo(Duration.ofSeconds(7));
        assertThat(both.nextCommand()).isEqualTo(Duration.ofSeconds(7));
    }

    // ---- the transcript

    @Test
    void theTranscriptOfOneTransitionStopsAtItsBoundWithOneMarker() {
        Limits limits = Limits.DEFAULT.withTranscript(4, 1000);
        Negotiation n = Smtp.server(config(TlsPolicy.REQUIRED).limits(limits).build()).begin(NOW).next();

        Transition t = feed(n, "NOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n");

        assertThat(text(t)).isEqualTo("250 2.0.0 OK\r\n".repeat(4));
        assertThat(t.events()).containsExactly(
                new Event.Line(Event.Direction.RECEIVED, false, NOW, "NOOP"),
                new Event.Line(Event.Direction.SENT, false, NOW, "250 2.0.0 OK"),
                new Event.Line(Event.Direction.RECEIVED, false, NOW, "NOOP"),
                new Event.Line(Event.Direction.SENT, false, NOW, "250 2.0.0 OK"),
                new Event.TranscriptTruncated(4, 1000));
    }

    @Test
    void theTranscriptBoundCountsCharactersToo() {
        Limits limits = Limits.DEFAULT.withTranscript(100, 10);
        Negotiation n = Smtp.server(config(TlsPolicy.REQUIRED).limits(limits).build()).begin(NOW).next();

        Transition t = feed(n, "NOOP\r\nNOOP\r\n");

        assertThat(t.events()).containsExactly(
                new Event.Line(Event.Direction.RECEIVED, false, NOW, "NOOP"),
                new Event.TranscriptTruncated(100, 10));
    }

    @Test
    void eventsOtherThanLinesAreReportedPastTheBound() {
        Limits limits = Limits.DEFAULT.withTranscript(0, 0);
        Transition t = Smtp.server(config(TlsPolicy.REQUIRED).limits(limits).build()).beginAtCapacity(NOW);

        assertThat(t.events()).containsExactly(new Event.TranscriptTruncated(0, 0), new Event.Failed(failure(t)));
    }
}
