package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * OpenSSL judges the same generated certificates: {@code openssl verify -verify_hostname} (or
 * {@code -verify_ip}) must give the verdict the case table records for it, which equals ours
 * except where the table says why not.
 */
@Tag("interop")
class HostNamesOpenSslInteropTest {

    @TempDir
    static Path dir;

    static List<HostNameCases.Case> cases() {
        return HostNameCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void opensslGivesTheRecordedVerdict(HostNameCases.Case c) throws Exception {
        Identity identity = c.leaf().issue();
        Path leaf = Files.writeString(dir.resolve(identity.sha256Fingerprint() + ".pem"), identity.certificatePem());
        Path ca = TestPki.writeCaPem(TestPki.KeyType.RSA_2048, dir);
        List<String> command = new ArrayList<>(List.of(ExternalTool.OPENSSL.path().toString(), "verify", "-CAfile", ca.toString(),
                c.isIp() ? "-verify_ip" : "-verify_hostname", c.opensslReference(), leaf.toString()));

        ProcessRun.Result run = ProcessRun.run(command, dir, new byte[0], Duration.ofSeconds(30), Map.of());

        assertThat(run.exitCode() == 0).as("openssl on %s: %s", c.name(), run.describe()).isEqualTo(c.openssl());
        assertThat(c.expected() == c.openssl() || c.name().contains("OpenSSL")).as("a difference says why").isTrue();
    }
}
