package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.EnginePair;
import org.starttls4j.testing.IgnoresParameters;
import org.starttls4j.testing.LegacyTls;
import org.starttls4j.testing.MisreportsVersion;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The TLS floor is enforced twice, and each layer is tested here on its own, in both roles, against
 * peers that really speak TLS 1.1 (BouncyCastle's low-level API, which the JDK's
 * {@code jdk.tls.disabledAlgorithms} does not reach; see {@link LegacyTls}):
 *
 * <ul>
 *   <li>The check after the handshake: the engine ignores the versions the negotiation sets
 *       ({@link IgnoresParameters}) and completes a TLS 1.1 handshake; only the check refuses it.
 *   <li>The engine setup: the engine honours the versions set on it but its sessions claim
 *       TLS 1.2 ({@link MisreportsVersion}), which blinds the check; only the setup, by leaving
 *       TLS 1.0/1.1 disabled, refuses the old peer.
 * </ul>
 *
 * <p>Each engine-setup test first shows, as a control, that the same engines without the setup
 * settle on TLS 1.1: the refusal is the setup's doing, not the fixture's or the JDK's.
 */
class TlsFloorTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";
    static final String[] TLS_10_TO_12 = {"TLSv1", "TLSv1.1", "TLSv1.2"};
    static final String[] TLS_10_TO_11 = {"TLSv1", "TLSv1.1"};

    // ---------------------------------------------------------------- client role

    @Test
    void clientCheckAfterTheHandshakeAloneRefusesTls11() {
        SSLEngine server = LegacyTls.serverEngineCappedAtTls11(TestPki.server(KeyType.EC_P256, HOST));
        ClientConfig config = ClientConfig.builder(HOST)
                .engineFactory((host, port) -> new IgnoresParameters(LegacyTls.clientEngineAllowingTls11(TestPki.ca(KeyType.EC_P256))))
                .build();

        Transition last = clientAgainst(server, config);

        assertThat(server.getSession().getProtocol()).as("the handshake completed, at TLS 1.1").isEqualTo("TLSv1.1");
        assertThat(failure(last).reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(failure(last).message()).isEqualTo("TLSv1.1 is below the floor TLSv1.2");
        assertThat(recordTypes(last.outboundBytes())).as("the refusal ends TLS with an alert (close_notify)").contains(21);
    }

    @Test
    void clientEngineSetupAloneRefusesTls11() throws Exception {
        SSLEngine control = LegacyTls.clientEngineHonouringEnabledProtocols(TestPki.ca(KeyType.EC_P256), TLS_10_TO_12);
        assertThat(EnginePair.handshake(control, LegacyTls.serverEngineCappedAtTls11(TestPki.server(KeyType.EC_P256, HOST))).protocol())
                .as("without the setup, these engines settle on TLS 1.1").isEqualTo("TLSv1.1");
        SSLEngine server = LegacyTls.serverEngineCappedAtTls11(TestPki.server(KeyType.EC_P256, HOST));
        ClientConfig config = ClientConfig.builder(HOST)
                .engineFactory((host, port) -> new MisreportsVersion(
                        LegacyTls.clientEngineHonouringEnabledProtocols(TestPki.ca(KeyType.EC_P256), TLS_10_TO_12), "TLSv1.2"))
                .build();

        Transition last = clientAgainst(server, config);

        assertThat(failure(last).reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(server.getSession().getProtocol()).as("no session was established").isEqualTo("NONE");
    }

    // ---------------------------------------------------------------- server role

    @Test
    void serverCheckAfterTheHandshakeAloneRefusesTls11() throws SSLException {
        ServerConfig config = ServerConfig.builder().hostname(HOST)
                .engineFactory((host, port) -> new IgnoresParameters(LegacyTls.serverEngineCappedAtTls11(TestPki.server(KeyType.EC_P256, HOST))))
                .build();
        SSLEngine client = LegacyTls.clientEngineAllowingTls11(TestPki.ca(KeyType.EC_P256));

        Transition last = serverAgainst(client, config);

        assertThat(client.getHandshakeSession().getProtocol()).as("the server chose TLS 1.1").isEqualTo("TLSv1.1");
        assertThat(failure(last).reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(failure(last).message()).as("the handshake completed, at TLS 1.1")
                .isEqualTo("TLSv1.1 is below the floor TLSv1.2");
        assertThat(recordTypes(last.outboundBytes())).as("the refusal ends TLS with an alert (close_notify)").contains(21);
    }

    @Test
    void serverEngineSetupAloneRefusesTls11() throws Exception {
        SSLEngine control = LegacyTls.serverEngineHonouringEnabledProtocols(TestPki.server(KeyType.EC_P256, HOST), TLS_10_TO_12);
        assertThat(EnginePair.handshake(LegacyTls.clientEngineHonouringEnabledProtocols(TestPki.ca(KeyType.EC_P256), TLS_10_TO_11), control)
                .protocol()).as("without the setup, these engines settle on TLS 1.1").isEqualTo("TLSv1.1");
        ServerConfig config = ServerConfig.builder().hostname(HOST)
                .engineFactory((host, port) -> new MisreportsVersion(
                        LegacyTls.serverEngineHonouringEnabledProtocols(TestPki.server(KeyType.EC_P256, HOST), TLS_10_TO_12), "TLSv1.2"))
                .build();
        SSLEngine client = LegacyTls.clientEngineHonouringEnabledProtocols(TestPki.ca(KeyType.EC_P256), TLS_10_TO_11);

        Transition last = serverAgainst(client, config);

        assertThat(failure(last).reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(client.getSession().getProtocol()).as("no session was established").isEqualTo("NONE");
    }

    @Test
    void serverOnTheJdkEngineNamesALegacyClientTooOld() throws SSLException {
        // The JDK's own server engine, as every default ServerConfig has it, against a client that offers TLS 1.0
        // and 1.1 without a supported_versions extension (as GnuTLS and OpenSSL do when TLS 1.3 is off): the JDK
        // refuses it with "Client requested protocol TLSv1.1 is not enabled or supported in server context", words
        // the failure classification must read as a version below the floor (seen with gnutls-cli, see the
        // GnuTLS interop tests), not as a handshake that failed for some other reason.
        ServerConfig config = ServerConfig.builder().hostname(HOST).sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext())
                .build();
        SSLEngine client = LegacyTls.clientEngineHonouringEnabledProtocols(TestPki.ca(KeyType.EC_P256), TLS_10_TO_11);

        Transition last = serverAgainst(client, config);

        assertThat(failure(last).reason()).as(failure(last).message()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(failure(last).message()).as("the JDK's words").contains("TLSv1.1 is not enabled or supported");
        assertThat(client.getSession().getProtocol()).as("no session was established").isEqualTo("NONE");
    }

    // ---------------------------------------------------------------- helpers

    /** An SMTP client up to the go-ahead, then its handshake with {@code server}. */
    static Transition clientAgainst(SSLEngine server, ClientConfig config) {
        Transition t = Smtp.client(config).begin(NOW);
        t = t.next().onReceived(ascii("220 old.example.test ESMTP\r\n"), NOW);
        t = t.next().onReceived(ascii("250-old.example.test\r\n250 STARTTLS\r\n"), NOW);
        t = t.next().onReceived(ascii("220 go ahead\r\n"), NOW);
        assertThat(t.events()).contains(new Event.StartTlsAccepted());
        return RawPeer.handshake(t, server, NOW, new ByteArrayOutputStream());
    }

    /** An SMTP server up to its go-ahead, then its handshake with {@code client}. */
    static Transition serverAgainst(SSLEngine client, ServerConfig config) throws SSLException {
        Transition t = Smtp.server(config).begin(NOW);
        t = t.next().onReceived(ascii("EHLO c.example.test\r\n"), NOW);
        t = t.next().onReceived(ascii("STARTTLS\r\n"), NOW);
        assertThat(t.events()).contains(new Event.StartTlsAccepted());
        // The go-ahead went out in plaintext; the client's engine starts from nothing.
        Transition handshaking = new Transition(t.next(), ByteBuffer.allocate(0), List.of(), List.of());
        client.beginHandshake(); // the ClientHello is ready to wrap
        return RawPeer.handshake(handshaking, client, NOW, new ByteArrayOutputStream());
    }

    /** The content types of the TLS records in {@code bytes} (21 is an alert; TLS 1.1 does not hide it). */
    static List<Integer> recordTypes(byte[] bytes) {
        List<Integer> types = new java.util.ArrayList<>();
        for (int at = 0; at + 5 <= bytes.length; at += 5 + (((bytes[at + 3] & 0xff) << 8) | (bytes[at + 4] & 0xff))) {
            types.add(bytes[at] & 0xff);
        }
        return types;
    }

    static Failure failure(Transition last) {
        assertThat(last.outcome()).as("the negotiation finished").isPresent();
        assertThat(last.outcome().get()).isInstanceOf(Outcome.Failed.class);
        return ((Outcome.Failed) last.outcome().get()).failure();
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
