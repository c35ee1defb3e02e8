package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * The strength floor agrees with OpenSSL's security level 2 (the default of Debian's and
 * Ubuntu's TLS configuration): {@code openssl verify -auth_level 2} accepts exactly the chains
 * {@link StrengthFloor#DEFAULT} (that of {@link org.starttls4j.CertificateStrength#DEFAULT}) accepts.
 */
@Tag("interop")
class CertificateStrengthOpenSslInteropTest {

    @TempDir
    static Path dir;

    static List<Object[]> leaves() {
        return List.of(
                new Object[] {"RSA 2048, SHA-256", Leaf.rsa("mail.example.test"), true},
                new Object[] {"EC 256, SHA-256", Leaf.rsa("mail.example.test").withKey("EC-256").withKeyUsage(KeyUsage.digitalSignature), true},
                new Object[] {"RSA 1024, SHA-256", Leaf.rsa("mail.example.test").withKey("RSA-1024"), false},
                new Object[] {"RSA 2048, SHA-1", Leaf.rsa("mail.example.test").signedWith("SHA1withRSA"), false});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leaves")
    void opensslAtSecurityLevel2AgreesWithTheDefaultFloor(String name, Leaf leaf, boolean strong) throws Exception {
        Identity identity = leaf.issue();
        Path file = Files.writeString(dir.resolve(identity.sha256Fingerprint() + ".pem"), identity.certificatePem());
        Path ca = TestPki.writeCaPem(TestPki.KeyType.RSA_2048, dir);

        ProcessRun.Result run = ProcessRun.run(List.of(ExternalTool.OPENSSL.path().toString(), "verify", "-auth_level", "2",
                "-CAfile", ca.toString(), file.toString()), dir, new byte[0], Duration.ofSeconds(30), Map.of());

        assertThat(run.exitCode() == 0).as("openssl on %s: %s", name, run.describe()).isEqualTo(strong);
        assertThat(CertificateStrengths.weakness(identity.chain(), StrengthFloor.DEFAULT, c -> false).isEmpty())
                .as("ours on %s", name).isEqualTo(strong);
    }
}
