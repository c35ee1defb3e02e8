package org.starttls4j.testing.interop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.starttls4j.testing.Identity;

/**
 * GnuTLS's {@code gnutls-serv} in echo mode on a free port, presenting an {@link Identity}: a plain
 * TLS server (no plaintext phase, so implicit TLS only) for the library's clients.
 *
 * <p>What it cannot do, and so what the tests cannot ask of it: it sends nothing after the
 * handshake until the client speaks (echo mode answers each line with the same line; HTTP mode
 * answers a request), so it never greets. A starttls4j client under {@code IMPLICIT} completes the
 * handshake with it, reports {@code TlsEstablished}, and then waits for a greeting that never
 * comes. It reads nothing from its standard input, so no greeting can be fed to it either.
 *
 * <p>It listens on the wildcard address (3.7.9 has no option to bind one address); the tests
 * connect to it over 127.0.0.1 only. It asks for a client certificate (optional) in every
 * handshake and issues TLS 1.3 session tickets, so a client meets both. When its port was taken
 * meanwhile it does not exit but logs {@code bind() failed}: that is read as such and the start is
 * tried again on a fresh port. Its standard output says, per connection, {@code - Version: TLS1.3}.
 */
public final class GnuTlsServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private final Process process;
    private final Path dir;
    private final int port;

    private GnuTlsServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts {@code gnutls-serv --echo} with {@code identity}, waiting (bounded) until it listens.
     *
     * @param identity the certificate chain and key it presents
     * @param workDir  a directory for its files and logs
     * @param extra    more {@code gnutls-serv} arguments, e.g. {@link GnuTlsClient#only GnuTlsClient.only("TLS1.2")}
     * @return the running server; close it to stop it
     */
    public static GnuTlsServer start(Identity identity, Path workDir, String... extra) {
        try {
            Files.createDirectories(workDir);
            Path certificate = Files.writeString(workDir.resolve("gnutls-serv.crt.pem"), identity.certificatePem());
            Path key = Files.writeString(workDir.resolve("gnutls-serv.key.pem"), readableKey(identity));
            return PrivateDaemon.startWithFreshPorts("gnutls-serv", () -> attempt(certificate, key, workDir, extra));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GnuTlsServer attempt(Path certificate, Path key, Path workDir, String... extra) {
        int port = FreePort.pick();
        List<String> command = new ArrayList<>(List.of(ExternalTool.GNUTLS_SERV.command(), "--echo",
                "--port=" + port, "--x509certfile=" + certificate, "--x509keyfile=" + key));
        command.addAll(List.of(extra));
        Path out = workDir.resolve("gnutls-serv-" + port + ".out");
        Path err = workDir.resolve("gnutls-serv-" + port + ".err");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        GnuTlsServer server = new GnuTlsServer(process, workDir, port);
        try {
            // "Echo Server listening on IPv4 0.0.0.0 port N...done", or "...bind() failed: Address already in use"
            Pattern ipv4 = Pattern.compile("listening on IPv4 \\S+ port " + port + "\\.\\.\\.(done|bind\\(\\) failed)");
            LogWatch.await(workDir, server::log, ipv4, 1, START_TIMEOUT, "gnutls-serv");
            if (server.log().contains("bind() failed")) {
                throw new PrivateDaemon.PortTaken(server.log());
            }
            FreePort.awaitListening(port, START_TIMEOUT, process.toHandle(), server::log);
            return server;
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    /**
     * The key as GnuTLS reads it. GnuTLS 3.7.9 refuses the JDK's PKCS#8 encoding of an EC key
     * ("ASN1 parser: Element was not found"): its inner ECPrivateKey (RFC 5915) leaves out the
     * optional public key, which GnuTLS requires. The same key with the public key (from the
     * certificate) put back is read; RSA keys are read as the JDK writes them.
     */
    static String readableKey(Identity identity) {
        if (!(identity.key() instanceof ECPrivateKey ec)) {
            return identity.privateKeyPem();
        }
        PrivateKeyInfo jdk = PrivateKeyInfo.getInstance(ec.getEncoded());
        SubjectPublicKeyInfo leafKey = SubjectPublicKeyInfo.getInstance(identity.leaf().getPublicKey().getEncoded());
        BigInteger order = ec.getParams().getOrder();
        org.bouncycastle.asn1.sec.ECPrivateKey withPublicKey = new org.bouncycastle.asn1.sec.ECPrivateKey(order.bitLength(), ec.getS(),
                new DERBitString(leafKey.getPublicKeyData().getBytes()), jdk.getPrivateKeyAlgorithm().getParameters());
        try {
            byte[] der = new PrivateKeyInfo(jdk.getPrivateKeyAlgorithm(), withPublicKey).getEncoded();
            return "-----BEGIN PRIVATE KEY-----\n" + BASE64.encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where it listens: 127.0.0.1 and its port. */
    public InetSocketAddress address() {
        return new InetSocketAddress(FreePort.LOOPBACK, port);
    }

    /**
     * Waits (bounded) until it has logged a handshake at {@code version}: its own word on what was
     * negotiated ({@code - Version: TLS1.3}).
     *
     * @param version the JDK's name of the version, e.g. {@code TLSv1.3}
     * @throws AssertionError when it has not within 20 seconds (with its log)
     */
    public void awaitHandshake(String version) {
        Pattern logged = Pattern.compile("(?m)^- Version: " + Pattern.quote(version.replace("TLSv", "TLS")) + "$");
        LogWatch.await(dir, this::log, logged, 1, START_TIMEOUT, "gnutls-serv");
    }

    /** What it printed so far, standard output then standard error. */
    public String log() {
        return PrivateDaemon.logs(dir, List.of("gnutls-serv-" + port + ".out", "gnutls-serv-" + port + ".err"));
    }

    /** Stops it and anything it started; never throws. */
    @Override
    public void close() {
        ProcessRun.killTree(process.toHandle(), Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return "gnutls-serv on 127.0.0.1:" + port;
    }
}
