package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.imap.ImapClientTest.caps;

import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.Capabilities;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;
import org.starttls4j.testing.Loopback;

/**
 * In-memory IMAP client ↔ IMAP server pairs with real SSLEngines and test certificates, for every
 * policy and both TLS versions. The server's application (in {@link ImapLoopback}) answers the
 * client's CAPABILITY inside TLS, so the client's post-TLS capabilities must be exactly the
 * server's configured post-TLS ones.
 */
class ImapPairTest {

    static final Capabilities BEFORE = caps("IMAP4rev1", "SASL-IR", "ID", "AUTH=PLAIN");
    static final Capabilities AFTER = caps("IMAP4rev1", "SASL-IR", "ID", "IDLE", "AUTH=PLAIN", "AUTH=SCRAM-SHA-256");

    /** The TLS versions, each forced on the server. */
    enum Version {
        TLS_1_2("TLSv1.2"), TLS_1_3("TLSv1.3");

        final String jsse;

        Version(String jsse) {
            this.jsse = jsse;
        }
    }

    static ServerConfig serverConfig(TlsPolicy policy, Version version) {
        ServerConfig.Builder b = ServerConfig.builder().policy(policy).hostname(Wire.HOST)
                .capabilitiesBeforeTls(BEFORE).capabilitiesAfterTls(AFTER);
        if (policy == TlsPolicy.PLAINTEXT_ONLY) {
            return b.allowAuthBeforeTls(true).build();
        }
        SSLContext context = Wire.identity().serverContext();
        if (version == Version.TLS_1_3) {
            return b.sslContext(context).tlsFloor(TlsVersion.TLS_1_3).build();
        }
        // TLS 1.2 forced: the negotiation keeps the factory's enabled versions at or above the floor.
        return b.engineFactory((host, port) -> {
            SSLEngine engine = context.createSSLEngine();
            engine.setEnabledProtocols(new String[] {"TLSv1.2"});
            return engine;
        }).build();
    }

    static ClientConfig clientConfig(TlsPolicy policy) {
        return Wire.client(policy);
    }

    static ImapLoopback.Result run(TlsPolicy clientPolicy, TlsPolicy serverPolicy, Version version) {
        ServerConfig server = serverConfig(serverPolicy, version);
        return ImapLoopback.run(Imap.client(clientConfig(clientPolicy)), Imap.server(server), server);
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void required(Version version) {
        ImapLoopback.Result r = run(TlsPolicy.REQUIRED, TlsPolicy.REQUIRED, version);
        assertStartTlsSecured(r, version, "* OK [CAPABILITY IMAP4rev1 SASL-IR ID STARTTLS LOGINDISABLED] mail.example.test IMAP4rev1 ready\r\n");
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void opportunistic(Version version) {
        ImapLoopback.Result r = run(TlsPolicy.OPPORTUNISTIC, TlsPolicy.OPPORTUNISTIC, version);
        assertStartTlsSecured(r, version, "* OK [CAPABILITY IMAP4rev1 SASL-IR ID STARTTLS LOGINDISABLED] mail.example.test IMAP4rev1 ready\r\n");
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void requiredClientAgainstOpportunisticServer(Version version) {
        ImapLoopback.Result r = run(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC, version);
        assertStartTlsSecured(r, version, "* OK [CAPABILITY IMAP4rev1 SASL-IR ID STARTTLS LOGINDISABLED] mail.example.test IMAP4rev1 ready\r\n");
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "IMPLICIT"})
    void theServerHandsOverItsPostTlsCapabilitiesNeverThePreTlsOnes(TlsPolicy policy) {
        ImapLoopback.Result r = run(policy, policy, Version.TLS_1_3);

        assertThat(r.serverSession().capabilities()).isEqualTo(AFTER);
        assertThat(r.serverSession().capabilities()).isNotEqualTo(BEFORE);
    }

    private static void assertStartTlsSecured(ImapLoopback.Result r, Version version, String greeting) {
        // Plaintext, byte for byte; then the first TLS record.
        String goAhead = greeting + "A1 OK Begin TLS negotiation now\r\n";
        assertThat(prefix(r.serverSent(), goAhead.length())).isEqualTo(goAhead);
        assertThat(r.serverSent()[goAhead.length()]).isEqualTo((byte) 0x16);
        assertThat(prefix(r.clientSent(), 13)).isEqualTo("A1 STARTTLS\r\n");
        assertThat(r.clientSent()[13]).isEqualTo((byte) 0x16);
        // Inside TLS the client asked again, under a tag never used before.
        assertThat(r.applicationLines()).containsExactly("A2 CAPABILITY");
        assertThat(r.clientSession().capabilities()).isEqualTo(AFTER);
        assertThat(r.clientSession().tls().protocol()).isEqualTo(version.jsse);
        assertThat(r.serverSession().tls().protocol()).isEqualTo(version.jsse);
        assertThat(r.clientEvents()).containsSubsequence(
                new Event.CapabilitiesReceived(caps("IMAP4rev1", "SASL-IR", "ID", "STARTTLS", "LOGINDISABLED"), false),
                new Event.StartTlsAccepted(),
                new Event.CapabilitiesReceived(AFTER, true));
        assertThat(r.serverEvents()).contains(new Event.StartTlsAccepted());
        // Every plaintext line either side put in its transcript was the negotiation's own.
        assertThat(plaintextSent(r.clientEvents())).containsExactly("A1 STARTTLS");
        assertThat(encryptedSent(r.clientEvents())).containsExactly("A2 CAPABILITY");
        // And the pipe works both ways afterwards.
        byte[] select = "A3 SELECT INBOX\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Loopback.send(r.clientSession(), r.serverSession(), select)).isEqualTo(select);
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void implicit(Version version) {
        ImapLoopback.Result r = run(TlsPolicy.IMPLICIT, TlsPolicy.IMPLICIT, version);
        assertThat(r.clientSent()[0]).isEqualTo((byte) 0x16);
        assertThat(r.serverSent()[0]).isEqualTo((byte) 0x16);
        assertThat(r.clientSession().capabilities()).isEqualTo(AFTER);
        assertThat(r.clientSession().tls().protocol()).isEqualTo(version.jsse);
        assertThat(r.serverSession().tls().protocol()).isEqualTo(version.jsse);
        // The greeting inside TLS carried the capabilities: no command was needed.
        assertThat(r.applicationLines()).isEmpty();
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.Line line && !line.encrypted()).isEmpty();
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.Line line && line.direction() == Event.Direction.RECEIVED)
                .extracting(e -> ((Event.Line) e).text())
                .containsExactly("* OK [CAPABILITY IMAP4rev1 SASL-IR ID IDLE AUTH=PLAIN AUTH=SCRAM-SHA-256] mail.example.test IMAP4rev1 ready");
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void implicitPreauthGreetingIsFineInsideTls(Version version) {
        ServerConfig server = serverConfig(TlsPolicy.IMPLICIT, version);
        org.starttls4j.Negotiation preauth = org.starttls4j.Negotiation.server(server, new org.starttls4j.ServerDialog() {
            @Override
            public String state() {
                return "Preauth";
            }

            @Override
            public org.starttls4j.ServerStep start() {
                return new org.starttls4j.ServerStep.Reply(this, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] welcome back, joe\r\n");
            }

            @Override
            public org.starttls4j.ServerStep onLine(String line) {
                throw new AssertionError("never fed");
            }

            @Override
            public String farewell(Failure.Reason reason) {
                return "";
            }
        });
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(clientConfig(TlsPolicy.IMPLICIT)), preauth, server);
        assertThat(r.clientSession().capabilities()).isEqualTo(caps("IMAP4rev1", "IDLE"));
        assertThat(r.clientSession().tls().protocol()).isEqualTo(version.jsse);
    }

    @Test
    void plaintextOnly() {
        ServerConfig server = serverConfig(TlsPolicy.PLAINTEXT_ONLY, Version.TLS_1_3);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(clientConfig(TlsPolicy.PLAINTEXT_ONLY)), Imap.server(server), server);
        Outcome o = r.clientOutcome();
        assertThat(o).isInstanceOf(Outcome.Plaintext.class);
        PlaintextSession session = ((Outcome.Plaintext) o).session();
        assertThat(session.capabilities()).isEqualTo(BEFORE);
        assertThat(session.fallbackCause()).isEmpty();
        assertThat(r.clientSent()).isEmpty();
        assertThat(Wire.text(r.serverSent())).isEqualTo("* OK [CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN] mail.example.test IMAP4rev1 ready\r\n");
        // The server waits for the application's first command, which it hands over unread.
        assertThat(r.server().isFinished()).isFalse();
        byte[] login = "A1 LOGIN joe secret\r\n".getBytes(StandardCharsets.ISO_8859_1);
        org.starttls4j.Transition t = r.server().onReceived(java.nio.ByteBuffer.wrap(login), Wire.T0);
        assertThat(t.outboundBytes()).isEmpty();
        PlaintextSession handed = ((Outcome.Plaintext) t.outcome().orElseThrow()).session();
        assertThat(handed.unread()).isEqualTo(java.nio.ByteBuffer.wrap(login));
        assertThat(handed.capabilities()).isEqualTo(BEFORE);
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void opportunisticClientFallsBackAgainstAPlaintextOnlyServer(Version version) {
        ServerConfig server = serverConfig(TlsPolicy.PLAINTEXT_ONLY, version);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(clientConfig(TlsPolicy.OPPORTUNISTIC)), Imap.server(server), server);
        PlaintextSession session = ((Outcome.Plaintext) r.clientOutcome()).session();
        assertThat(session.fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(session.capabilities()).isEqualTo(BEFORE);
        assertThat(r.clientSent()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void requiredClientFailsAgainstAPlaintextOnlyServerSayingOnlyLogout(Version version) {
        ServerConfig server = serverConfig(TlsPolicy.PLAINTEXT_ONLY, version);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(clientConfig(TlsPolicy.REQUIRED)), Imap.server(server), server);
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(Wire.text(r.clientSent())).isEqualTo("A1 LOGOUT\r\n");
    }

    static List<String> plaintextSent(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.Line l && l.direction() == Event.Direction.SENT && !l.encrypted())
                .map(e -> ((Event.Line) e).text()).toList();
    }

    static List<String> encryptedSent(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.Line l && l.direction() == Event.Direction.SENT && l.encrypted())
                .map(e -> ((Event.Line) e).text()).toList();
    }

    static String prefix(byte[] bytes, int length) {
        return new String(bytes, 0, Math.min(length, bytes.length), StandardCharsets.ISO_8859_1);
    }
}
