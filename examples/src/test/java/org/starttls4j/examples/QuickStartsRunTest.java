package org.starttls4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.ServerConfig;
import org.starttls4j.nio.NioServer;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The README's quick starts do what the README says: the server configured from PEM files as
 * shown, the core-only client as shown, one NOOP answered inside TLS, over 127.0.0.1.
 */
class QuickStartsRunTest {

    @TempDir
    Path dir;

    @Test
    void theCoreClientGetsItsCommandAnsweredInsideTlsByTheServerFromPem() throws Exception {
        Identity.PemFiles pem = TestPki.server(KeyType.EC_P256, "mail.example.org").writePem(dir);
        Path ca = TestPki.writeCaPem(KeyType.EC_P256, dir);
        ServerConfig config = ServerQuickStart.config(pem.certificateChain(), pem.privateKey());
        ExecutorService workers = Executors.newSingleThreadExecutor();
        try (NioServer server = NioServer.builder(config, Smtp::server)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .onSession(channel -> workers.submit(() -> NioQuickStart.serve(channel, config)))
                .start()) {

            String reply = CoreQuickStart.noopInsideTls(server.localAddress(), CoreQuickStart.config(ca));

            assertThat(reply).isEqualTo("250 2.0.0 OK");
            assertThat(server.stats().secured()).isEqualTo(1);
        } finally {
            workers.shutdownNow();
        }
    }
}
