package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.PemFilesInterop.HOST;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls4j.testing.interop.ExternalTool;

/**
 * {@link Pem} reads what the {@code openssl} command writes: keys from {@code genpkey} (PKCS#8),
 * {@code genrsa -traditional} (PKCS#1) and {@code ecparam -genkey} (EC PARAMETERS then SEC 1),
 * each with a self-signed certificate from {@code req -x509}; the server context made of them
 * secures a negotiation whose client trusts only that certificate.
 */
@Tag("interop")
class OpenSslPemInteropTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem, BEGIN PRIVATE KEY, RSA",
        "genrsa -traditional -out key.pem 2048, BEGIN RSA PRIVATE KEY, RSA",
        "ecparam -name prime256v1 -genkey -out key.pem, BEGIN EC PRIVATE KEY, EC",
        "ecparam -name secp384r1 -genkey -noout -out key.pem, BEGIN EC PRIVATE KEY, EC",
        "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem, BEGIN PRIVATE KEY, EC"
    })
    void keysAndCertificatesOpenSslMadeSecureANegotiation(String keyCommand, String header, String algorithm) throws Exception {
        PemFilesInterop.run(ExternalTool.OPENSSL, dir, keyCommand.split(" "));
        PemFilesInterop.run(ExternalTool.OPENSSL, dir, "req", "-x509", "-new", "-key", "key.pem", "-subj", "/CN=" + HOST,
                "-addext", "subjectAltName=DNS:" + HOST, "-days", "2", "-out", "cert.pem");
        assertThat(Files.readString(dir.resolve("key.pem"))).contains(header);

        PemFilesInterop.assertSecuresANegotiation(dir.resolve("cert.pem"), dir.resolve("key.pem"), algorithm, keyCommand);
    }
}
