package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * {@link Pem} reads what the {@code openssl} command writes: keys from {@code genpkey} (PKCS#8),
 * {@code genrsa -traditional} (PKCS#1) and {@code ecparam -genkey} (EC PARAMETERS then SEC 1),
 * each with a self-signed certificate from {@code req -x509}; the server context made of them
 * secures a negotiation whose client trusts only that certificate.
 */
@Tag("interop")
class OpenSslPemInteropTest {

    private static final String HOST = "mail.example.test";

    @TempDir
    Path dir;

    private void openssl(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(ExternalTool.OPENSSL.command());
        command.addAll(List.of(arguments));
        ProcessRun.Result r = ProcessRun.run(command, dir, new byte[0], Duration.ofSeconds(60), Map.of());
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
        "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem, BEGIN PRIVATE KEY, RSA",
        "genrsa -traditional -out key.pem 2048, BEGIN RSA PRIVATE KEY, RSA",
        "ecparam -name prime256v1 -genkey -out key.pem, BEGIN EC PRIVATE KEY, EC",
        "ecparam -name secp384r1 -genkey -noout -out key.pem, BEGIN EC PRIVATE KEY, EC",
        "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem, BEGIN PRIVATE KEY, EC"
    })
    void keysAndCertificatesOpenSslMadeSecureANegotiation(String keyCommand, String header, String algorithm) throws Exception {
        openssl(keyCommand.split(" "));
        openssl("req", "-x509", "-new", "-key", "key.pem", "-subj", "/CN=" + HOST, "-addext", "subjectAltName=DNS:" + HOST,
                "-days", "2", "-out", "cert.pem");
        assertThat(Files.readString(dir.resolve("key.pem"))).contains(header);

        assertThat(Pem.privateKey(dir.resolve("key.pem")).getAlgorithm()).isEqualTo(algorithm);
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .certificateChain(dir.resolve("cert.pem"), dir.resolve("key.pem")).build();
        ClientConfig client = ClientConfig.builder(HOST).trustAnchors(Pem.certificates(dir.resolve("cert.pem"))).build();
        Loopback.Result r = Loopback.run(Smtp.client(client), Smtp.server(server), Instant.now(),
                line -> line.startsWith("EHLO") ? "250 " + HOST + "\r\n" : null);

        assertThat(r.clientOutcome()).as(keyCommand).isInstanceOf(Outcome.Secured.class);
    }
}
