package org.starttls4j.testkit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;
import org.starttls4j.testkit.ThrowawayPki;

/**
 * The test kit's PEM files as a server outside the JVM reads them: GnuTLS (the TLS stack of Exim and
 * gnutls-serv) takes {@link ThrowawayPki#serverKeyPem()}, which it refused while the EC key's
 * encoding left out the optional public key ("ASN1 parser: Element was not found").
 */
@Tag("interop")
class ThrowawayPkiGnuTlsInteropTest {

    @Test
    void certtoolReadsTheServerKey(@TempDir Path dir) throws Exception {
        ThrowawayPki pki = ThrowawayPki.forServer("mail.example.test");
        Path key = Files.writeString(dir.resolve("server.key.pem"), pki.serverKeyPem());

        ProcessRun.Result run = ProcessRun.run(List.of(ExternalTool.CERTTOOL.command(), "-k", "--infile", key.toString()),
                dir, new byte[0], Duration.ofSeconds(30), Map.of());

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe()).contains("Public Key Algorithm: EC/ECDSA");
    }
}
