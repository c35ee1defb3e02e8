package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Failure.Reason;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.imap.Imap;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.pop3.Pop3;

/**
 * Both handlers with IMAP and POP3 on {@link EmbeddedChannel}s, playing the peer by hand: exact
 * bytes, the injection cases (commands pipelined after STARTTLS/STLS, responses after the
 * go-ahead), stripping (STARTTLS/STLS not offered, IMAP PREAUTH) and plaintext hand-overs.
 */
@ExtendWith(Leaks.Check.class)
class ImapPop3HandlerTest {

    static final String IMAP_GREETING = "* OK [CAPABILITY IMAP4rev1 ID STARTTLS LOGINDISABLED] mail.example.test IMAP4rev1 ready\r\n";
    static final String POP3_GREETING = "+OK mail.example.test POP3 server ready\r\n";

    private final Fixtures.Recorder app = new Fixtures.Recorder();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel imapServer(TlsPolicy policy) {
        ServerConfig config = Fixtures.server(policy, Fixtures.Engine.JDK).capabilitiesBeforeTls(Fixtures.caps("IMAP4rev1", "ID"))
                .capabilitiesAfterTls(Fixtures.caps("IMAP4rev1", "ID", "AUTH=PLAIN")).build();
        return add(new EmbeddedChannel(new StartTlsServerHandler(config, Imap::server), app));
    }

    private EmbeddedChannel pop3Server(TlsPolicy policy) {
        ServerConfig config = Fixtures.server(policy, Fixtures.Engine.JDK).capabilitiesBeforeTls(Fixtures.caps("TOP", "UIDL"))
                .capabilitiesAfterTls(Fixtures.caps("TOP", "UIDL", "USER")).build();
        return add(new EmbeddedChannel(new StartTlsServerHandler(config, Pop3::server), app));
    }

    private EmbeddedChannel imapClient(TlsPolicy policy) {
        return add(new EmbeddedChannel(new StartTlsClientHandler(Fixtures.client(policy), Imap::client), app));
    }

    private EmbeddedChannel pop3Client(TlsPolicy policy) {
        return add(new EmbeddedChannel(new StartTlsClientHandler(Fixtures.client(policy), Pop3::client), app));
    }

    private EmbeddedChannel add(EmbeddedChannel channel) {
        channels.add(channel);
        return channel;
    }

    private Reason failure() {
        return app.completion(StartTlsCompletionEvent.Failed.class).failure().reason();
    }

    // ------------------------------------------------------------------ IMAP server

    @Test
    void imapServerGreetsWithCapabilitiesAndRefusesLoginBeforeTls() {
        EmbeddedChannel channel = imapServer(TlsPolicy.REQUIRED);
        assertThat(drainOutbound(channel)).isEqualTo(IMAP_GREETING);

        channel.writeInbound(ascii("a1 LOGIN joe secret\r\n"));

        assertThat(drainOutbound(channel)).isEqualTo("a1 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
        assertThat(app.completions).isEmpty();
        assertThat(app.reads).isZero();
    }

    @Test
    void imapServerFailsOnACommandPipelinedAfterStartTls() {
        EmbeddedChannel channel = imapServer(TlsPolicy.REQUIRED);
        drainOutbound(channel);

        channel.writeInbound(ascii("a1 STARTTLS\r\na2 LOGIN joe secret\r\n"));

        assertThat(failure()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(drainOutbound(channel)).as("no go-ahead, no answer to LOGIN").isEmpty();
        assertThat(app.reads).isZero();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void imapServerUnderOpportunisticHandsOverTheFirstApplicationCommandUnread() {
        EmbeddedChannel channel = imapServer(TlsPolicy.OPPORTUNISTIC);
        drainOutbound(channel);

        channel.writeInbound(ascii("a1 CAPABILITY\r\na2 SELECT INBOX\r\n"));

        assertThat(app.completion()).isInstanceOf(StartTlsCompletionEvent.Plaintext.class);
        assertThat(app.received()).isEqualTo("a2 SELECT INBOX\r\n");
        assertThat(drainOutbound(channel)).startsWith("* CAPABILITY IMAP4rev1 ID STARTTLS").endsWith("a1 OK CAPABILITY completed\r\n");
        assertThat(channel.pipeline().get(StartTlsServerHandler.class)).isNull();
    }

    // ------------------------------------------------------------------ IMAP client

    @Test
    void imapClientUnderRequiredWithoutStartTlsSendsOnlyLogout() {
        EmbeddedChannel channel = imapClient(TlsPolicy.REQUIRED);

        channel.writeInbound(ascii("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n"));

        assertThat(failure()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
        assertThat(drainOutbound(channel)).isEqualTo("A1 LOGOUT\r\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void imapClientAsksForCapabilitiesWhenTheGreetingHasNone() {
        EmbeddedChannel channel = imapClient(TlsPolicy.REQUIRED);

        channel.writeInbound(ascii("* OK hi\r\n"));
        assertThat(drainOutbound(channel)).isEqualTo("A1 CAPABILITY\r\n");
        channel.writeInbound(ascii("* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done\r\n"));

        assertThat(drainOutbound(channel)).isEqualTo("A2 STARTTLS\r\n");
        assertThat(app.completions).isEmpty();
    }

    @Test
    void imapClientUnderRequiredSendsNothingAfterAPlaintextPreauth() {
        EmbeddedChannel channel = imapClient(TlsPolicy.REQUIRED);

        channel.writeInbound(ascii("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in as joe\r\n"));

        assertThat(failure()).isEqualTo(Reason.PREAUTH_WITHOUT_TLS);
        assertThat(drainOutbound(channel)).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void imapClientFailsOnAResponseAfterTheGoAhead() {
        EmbeddedChannel channel = imapClient(TlsPolicy.REQUIRED);
        channel.writeInbound(ascii("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n"));
        assertThat(drainOutbound(channel)).isEqualTo("A1 STARTTLS\r\n");

        channel.writeInbound(ascii("A1 OK Begin TLS negotiation now\r\n* 1 EXISTS\r\n"));

        assertThat(failure()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(drainOutbound(channel)).as("no ClientHello").isEmpty();
    }

    // ------------------------------------------------------------------ POP3 server

    @Test
    void pop3ServerGreetsAndRefusesUserBeforeStls() {
        EmbeddedChannel channel = pop3Server(TlsPolicy.REQUIRED);
        assertThat(drainOutbound(channel)).isEqualTo(POP3_GREETING);

        channel.writeInbound(ascii("CAPA\r\nUSER joe\r\n"));

        assertThat(drainOutbound(channel)).isEqualTo("+OK Capability list follows\r\nTOP\r\nUIDL\r\nSTLS\r\n.\r\n"
                + "-ERR [AUTH] Authentication requires TLS: send STLS first\r\n");
        assertThat(app.completions).isEmpty();
    }

    @Test
    void pop3ServerFailsOnACommandPipelinedAfterStls() {
        EmbeddedChannel channel = pop3Server(TlsPolicy.REQUIRED);
        drainOutbound(channel);

        channel.writeInbound(ascii("STLS\r\nUSER joe\r\n"));

        assertThat(failure()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(drainOutbound(channel)).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void pop3ServerUnderOpportunisticHandsOverInPlaintext() {
        EmbeddedChannel channel = pop3Server(TlsPolicy.OPPORTUNISTIC);
        drainOutbound(channel);

        channel.writeInbound(ascii("STAT\r\n"));

        assertThat(app.completion(StartTlsCompletionEvent.Plaintext.class).session().unread().remaining()).isEqualTo(6);
        assertThat(app.received()).isEqualTo("STAT\r\n");
    }

    // ------------------------------------------------------------------ POP3 client

    @Test
    void pop3ClientUnderRequiredWithoutStlsSendsOnlyCapaAndQuit() {
        EmbeddedChannel channel = pop3Client(TlsPolicy.REQUIRED);
        StringBuilder wire = new StringBuilder();

        channel.writeInbound(ascii("+OK hi\r\n"));
        wire.append(drainOutbound(channel));
        channel.writeInbound(ascii("+OK\r\nTOP\r\nUSER\r\nSASL PLAIN\r\n.\r\n"));
        wire.append(drainOutbound(channel));

        assertThat(failure()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
        assertThat(wire.toString()).isEqualTo("CAPA\r\nQUIT\r\n");
    }

    @Test
    void pop3ClientFailsOnAResponseAfterTheGoAhead() {
        EmbeddedChannel channel = pop3Client(TlsPolicy.REQUIRED);
        channel.writeInbound(ascii("+OK hi\r\n"));
        channel.writeInbound(ascii("+OK\r\nSTLS\r\n.\r\n"));
        assertThat(drainOutbound(channel)).isEqualTo("CAPA\r\nSTLS\r\n");

        channel.writeInbound(ascii("+OK Begin TLS\r\n+OK injected\r\n"));

        assertThat(failure()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(drainOutbound(channel)).isEmpty();
    }

    @Test
    void pop3ClientUnderOpportunisticWithoutStlsHandsOverInPlaintext() {
        EmbeddedChannel channel = pop3Client(TlsPolicy.OPPORTUNISTIC);
        channel.writeInbound(ascii("+OK hi\r\n"));

        channel.writeInbound(ascii("+OK\r\nTOP\r\n.\r\n"));

        StartTlsCompletionEvent.Plaintext plain = app.completion(StartTlsCompletionEvent.Plaintext.class);
        assertThat(plain.session().capabilities().has("TOP")).isTrue();
        assertThat(channel.pipeline().get(StartTlsClientHandler.class)).isNull();
        assertThat(drainOutbound(channel)).isEqualTo("CAPA\r\n");
    }
}
