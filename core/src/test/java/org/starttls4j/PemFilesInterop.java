package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * What the PEM interop tests share: run the tool that writes the files ({@code openssl},
 * GnuTLS's {@code certtool}), then check that {@link Pem} reads them and that the server context
 * made of them secures a negotiation whose client trusts only that certificate.
 */
final class PemFilesInterop {

    /** The name in every self-signed certificate the tools make. */
    static final String HOST = "mail.example.test";

    private PemFilesInterop() {
    }

    /** Runs {@code tool} in {@code dir}, which must exit 0 within a minute. */
    static void run(ExternalTool tool, Path dir, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(tool.command());
        command.addAll(List.of(arguments));
        ProcessRun.Result r = ProcessRun.run(command, dir, new byte[0], Duration.ofSeconds(60), Map.of());
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    /**
     * The key's algorithm is {@code algorithm}, and a server presenting {@code certificate} and
     * {@code key} secures an SMTP negotiation with a client that trusts only {@code certificate}.
     */
    static void assertSecuresANegotiation(Path certificate, Path key, String algorithm, String context) {
        assertThat(Pem.privateKey(key).getAlgorithm()).as(context).isEqualTo(algorithm);
        ServerConfig server = ServerConfig.builder().hostname(HOST).certificateChain(certificate, key).build();
        ClientConfig client = ClientConfig.builder(HOST).trustAnchors(Pem.certificates(certificate)).build();
        Loopback.Result r = Loopback.run(Smtp.client(client), Smtp.server(server), Instant.now(),
                line -> line.startsWith("EHLO") ? "250 " + HOST + "\r\n" : null);

        assertThat(r.clientOutcome()).as(context).isInstanceOf(Outcome.Secured.class);
    }
}
