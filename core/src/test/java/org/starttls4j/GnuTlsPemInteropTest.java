package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.PemFilesInterop.HOST;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls4j.testing.interop.ExternalTool;

/**
 * {@link Pem} reads what GnuTLS's {@code certtool} writes, as an operator moving from a GnuTLS
 * mail server (Exim, say) would hand them over: {@code --generate-privkey} for RSA (PKCS#1), ECDSA
 * (SEC 1) and Ed25519 (PKCS#8), and ECDSA with {@code --pkcs8}, each file opening with certtool's
 * "Public Key Info" text before the block; each with a self-signed certificate from
 * {@code --generate-self-signed}. The server context made of them secures a negotiation whose
 * client trusts only that certificate.
 */
@Tag("interop")
class GnuTlsPemInteropTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "--key-type=rsa, BEGIN RSA PRIVATE KEY, RSA",
        "--key-type=ecdsa, BEGIN EC PRIVATE KEY, EC",
        "--key-type=ecdsa --pkcs8 --password=, BEGIN PRIVATE KEY, EC",
        "--key-type=ed25519, BEGIN PRIVATE KEY, EdDSA"
    })
    void keysAndCertificatesCerttoolMadeSecureANegotiation(String keyOptions, String header, String algorithm) throws Exception {
        List<String> generate = new ArrayList<>(List.of("--generate-privkey", "--outfile=key.pem"));
        generate.addAll(List.of(keyOptions.split(" ")));
        PemFilesInterop.run(ExternalTool.CERTTOOL, dir, generate.toArray(String[]::new));
        Files.writeString(dir.resolve("template.cfg"), "cn = \"" + HOST + "\"\ndns_name = \"" + HOST + "\"\n"
                + "expiration_days = 2\ntls_www_server\nsigning_key\nencryption_key\n");
        PemFilesInterop.run(ExternalTool.CERTTOOL, dir, "--generate-self-signed", "--load-privkey=key.pem", "--template=template.cfg",
                "--outfile=cert.pem");
        String key = Files.readString(dir.resolve("key.pem"));
        assertThat(key).contains(header);
        assertThat(key).as("certtool's text comes first").startsWith("Public Key Info:");

        PemFilesInterop.assertSecuresANegotiation(dir.resolve("cert.pem"), dir.resolve("key.pem"), algorithm, keyOptions);
    }
}
