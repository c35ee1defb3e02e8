package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * TLS that breaks after the handshake is {@link Failure.Reason#TLS_SESSION_BROKEN}, not a failed
 * handshake: inside the negotiation (the EHLO reply after STARTTLS) and after the hand-over.
 */
class TlsSessionBrokenTest {

    static final String HOST = TlsPairTest.HOST;

    /** Application-data records no peer may send: longer than TLS allows, empty under TLS 1.3, not authentic. */
    static List<Object[]> brokenRecords() {
        byte[] overLong = new byte[5 + 300];
        overLong[0] = 0x17;
        overLong[1] = 0x03;
        overLong[2] = 0x03;
        overLong[3] = (byte) 0xff; // 65,535: far over 2^14 + 256, and over the JDK's tolerance for large records
        overLong[4] = (byte) 0xff;
        byte[] empty = {0x17, 0x03, 0x03, 0x00, 0x00};
        byte[] forged = new byte[5 + 64];
        forged[0] = 0x17;
        forged[1] = 0x03;
        forged[2] = 0x03;
        forged[4] = 64;
        return List.of(new Object[] {"over-long record", overLong}, new Object[] {"zero-length TLS 1.3 record", empty},
                new Object[] {"record that fails its integrity check", forged});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRecords")
    void aBrokenRecordInTheDialogAfterTlsIsABrokenSession(String what, byte[] record) throws SSLException {
        Transition t = clientWaitingForItsEhloReplyInsideTls();

        t = t.next().onReceived(ByteBuffer.wrap(record), TlsPairTest.NOW);

        Failure failure = ((Outcome.Failed) t.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).as(failure.toString()).isEqualTo(Failure.Reason.TLS_SESSION_BROKEN);
        assertThat(failure.tlsRptResultType()).isEqualTo("validation-failure");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRecords")
    void aBrokenRecordAfterTheHandOverIsABrokenSession(String what, byte[] record) {
        Loopback.Result r = securedPair();
        SecureSession session = r.clientSession();

        TlsResult result = session.decrypt(ByteBuffer.wrap(record), ByteBuffer.allocate(session.minApplicationBufferSize()));

        assertThat(result.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(session.failure()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Failure.Reason.TLS_SESSION_BROKEN));
    }

    /**
     * After FAILED the session is done: authentic records that follow the broken one are not
     * decrypted, and nothing more is encrypted (the JDK's engine would do both: only its outbound
     * side is closed at the failure). Only close() is left, and it still produces the alert.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRecords")
    void aBrokenSessionDecryptsAndEncryptsNothingMore(String what, byte[] record) {
        Loopback.Result r = securedPair();
        SecureSession client = r.clientSession();
        SecureSession server = r.serverSession();
        ByteBuffer authentic = ByteBuffer.allocate(server.minNetworkBufferSize());
        assertThat(server.encrypt(TlsPairTest.ascii("250 OK\r\n"), authentic).status()).isEqualTo(TlsResult.Status.OK);
        authentic.flip();
        ByteBuffer plain = ByteBuffer.allocate(client.minApplicationBufferSize());
        assertThat(client.decrypt(ByteBuffer.wrap(record), plain).status()).isEqualTo(TlsResult.Status.FAILED);
        Failure first = client.failure().orElseThrow();

        TlsResult afterwards = client.decrypt(authentic, plain);
        ByteBuffer out = ByteBuffer.allocate(client.minNetworkBufferSize());
        TlsResult written = client.encrypt(TlsPairTest.ascii("QUIT\r\n"), out);

        assertThat(afterwards.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(afterwards.consumed()).isZero();
        assertThat(afterwards.produced()).isZero();
        assertThat(authentic.hasRemaining()).as("the authentic record is left unread").isTrue();
        assertThat(plain.position()).as("nothing decrypted").isZero();
        assertThat(client.hasBufferedPlaintext()).isFalse();
        assertThat(written.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(written.consumed()).isZero();
        assertThat(out.position()).as("nothing encrypted").isZero();
        assertThat(client.failure()).contains(first);
        ByteBuffer alert = ByteBuffer.allocate(client.minNetworkBufferSize());
        client.close(alert);
        assertThat(alert.position()).as("close still sends the alert or close_notify").isPositive();
    }

    @org.junit.jupiter.api.Test
    void aBrokenRecordRightAfterTheClientsFinishedBreaksTheServersSession() {
        byte[] empty = {0x17, 0x03, 0x03, 0x00, 0x00};
        Loopback.Tamper afterFinished = new Loopback.Tamper() {
            @Override
            public byte[] clientToServer(byte[] bytes) {
                // TLS 1.3: the client's last flight opens with the compatibility ChangeCipherSpec
                if (bytes.length > 0 && bytes[0] == 0x14) {
                    byte[] more = java.util.Arrays.copyOf(bytes, bytes.length + empty.length);
                    System.arraycopy(empty, 0, more, bytes.length, empty.length);
                    return more;
                }
                return bytes;
            }
        };

        Loopback.Result r = Loopback.run(Smtp.client(TlsPairTest.client(KeyType.EC_P256).build()),
                Smtp.server(TlsPairTest.server(KeyType.EC_P256).build()), TlsPairTest.NOW, afterFinished, TlsPairTest.SMTP_APP);

        Failure failure = ((Outcome.Failed) r.serverOutcome()).failure();
        assertThat(failure.reason()).as(failure.toString()).isEqualTo(Failure.Reason.TLS_SESSION_BROKEN);
    }

    /** An SMTP client and server, both secured and handed over (ECDSA P-256). */
    static Loopback.Result securedPair() {
        return Loopback.run(Smtp.client(TlsPairTest.client(KeyType.EC_P256).build()),
                Smtp.server(TlsPairTest.server(KeyType.EC_P256).build()), TlsPairTest.NOW, TlsPairTest.SMTP_APP);
    }

    /** A REQUIRED client through STARTTLS and the handshake with a bare JDK server, its EHLO sent inside TLS. */
    static Transition clientWaitingForItsEhloReplyInsideTls() throws SSLException {
        SSLEngine server = TestPki.server(KeyType.EC_P256, HOST).serverContext().createSSLEngine();
        server.setUseClientMode(false);
        Transition t = Smtp.client(TlsPairTest.client(KeyType.EC_P256).build()).begin(TlsPairTest.NOW);
        t = t.next().onReceived(TlsPairTest.ascii("220 " + HOST + " ESMTP\r\n"), TlsPairTest.NOW);
        t = t.next().onReceived(TlsPairTest.ascii("250-" + HOST + "\r\n250 STARTTLS\r\n"), TlsPairTest.NOW);
        t = t.next().onReceived(TlsPairTest.ascii("220 go ahead\r\n"), TlsPairTest.NOW);
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        ByteBuffer toServer = ByteBuffer.wrap(t.outboundBytes());
        for (int step = 0; step < 50; step++) {
            while (toServer.hasRemaining()) {
                server.unwrap(toServer, app);
                for (Runnable task = server.getDelegatedTask(); task != null; task = server.getDelegatedTask()) {
                    task.run();
                }
            }
            ByteBuffer net = ByteBuffer.allocate(1 << 17);
            while (server.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                server.wrap(ByteBuffer.allocate(0), net);
            }
            net.flip();
            if (!net.hasRemaining()) {
                break;
            }
            t = t.next().onReceived(net, TlsPairTest.NOW);
            toServer = ByteBuffer.wrap(t.outboundBytes());
        }
        app.flip();
        assertThat(StandardCharsets.US_ASCII.decode(app).toString()).as("the EHLO went out inside TLS").startsWith("EHLO ");
        assertThat(t.isFinished()).isFalse();
        return t;
    }
}
