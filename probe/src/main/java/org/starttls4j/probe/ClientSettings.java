package org.starttls4j.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.starttls4j.CertificateCheck;
import org.starttls4j.ClientConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;

/**
 * The client-side options of {@code probe} and {@code audit}, checked, and the
 * {@link ClientConfig} they make for a target.
 *
 * <p>Certificate checking: by default the chain is validated against the JDK's trust store (or
 * the anchors of {@code --trust}) and must name the server ({@code --server-name}, else the URL's
 * host). {@code --pin} alone accepts exactly the pinned certificates (Postfix's
 * {@code fingerprint}); with {@code --trust} the pin is checked on top of the chain and name.
 * {@code --insecure} checks nothing.
 *
 * @param policy     the policy for STARTTLS targets ({@code REQUIRED} or {@code OPPORTUNISTIC});
 *                   implicit-TLS targets always use {@code IMPLICIT}
 * @param tlsMin     the oldest TLS version accepted
 * @param trust      trust anchors read from {@code --trust}, or empty for the JDK's
 * @param trustFile  the file they came from, for the report
 * @param serverName the name to send in SNI and verify, or empty for the URL's host
 * @param pins       SHA-256 fingerprints of accepted leaf certificates
 * @param insecure   whether to accept any certificate
 * @param ehlo       the client's name in EHLO
 * @param adapter    which adapter moves the bytes
 * @param timeout    the bound on the connect and on every wait of the negotiation
 */
public record ClientSettings(TlsPolicy policy, TlsVersion tlsMin, List<X509Certificate> trust, Optional<Path> trustFile,
                             Optional<String> serverName, List<String> pins, boolean insecure, String ehlo,
                             Adapter adapter, Duration timeout) {

    /** Checks the combination and copies the lists. */
    public ClientSettings {
        Objects.requireNonNull(policy, "policy");
        if (policy != TlsPolicy.REQUIRED && policy != TlsPolicy.OPPORTUNISTIC) {
            throw new IllegalArgumentException("the policy is required or opportunistic");
        }
        trust = List.copyOf(trust);
        pins = List.copyOf(pins);
        if (insecure && (!pins.isEmpty() || !trust.isEmpty())) {
            throw new IllegalArgumentException("--insecure checks no certificate: it cannot be combined with --pin or --trust");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        new CertificateCheck(false, false, java.util.Set.copyOf(pins)); // rejects a malformed fingerprint early
    }

    /** The defaults: required, TLS 1.2, the JDK's trust store, NIO, 20 seconds. */
    public static ClientSettings defaults() {
        return new ClientSettings(TlsPolicy.REQUIRED, TlsVersion.TLS_1_2, List.of(), Optional.empty(), Optional.empty(),
                List.of(), false, "localhost", Adapter.NIO, Duration.ofSeconds(20));
    }

    /** A copy with another policy. */
    public ClientSettings withPolicy(TlsPolicy value) {
        return new ClientSettings(value, tlsMin, trust, trustFile, serverName, pins, insecure, ehlo, adapter, timeout);
    }

    /** A copy that accepts any certificate (for a second look at a rejected one). */
    public ClientSettings insecureCopy() {
        return new ClientSettings(policy, tlsMin, List.of(), Optional.empty(), serverName, List.of(), true, ehlo, adapter, timeout);
    }

    /** A copy with another adapter. */
    public ClientSettings withAdapter(Adapter value) {
        return new ClientSettings(policy, tlsMin, trust, trustFile, serverName, pins, insecure, ehlo, value, timeout);
    }

    /** A copy with trust anchors (in memory) instead of the JDK's. */
    public ClientSettings withTrust(List<X509Certificate> anchors, String shownAs) {
        return new ClientSettings(policy, tlsMin, anchors, Optional.of(Path.of(shownAs)), serverName, pins, insecure, ehlo,
                adapter, timeout);
    }

    /** A copy that verifies {@code name} instead of the URL's host. */
    public ClientSettings withServerName(String name) {
        return new ClientSettings(policy, tlsMin, trust, trustFile, Optional.of(name), pins, insecure, ehlo, adapter, timeout);
    }

    /** A copy with another timeout. */
    public ClientSettings withTimeout(Duration value) {
        return new ClientSettings(policy, tlsMin, trust, trustFile, serverName, pins, insecure, ehlo, adapter, value);
    }

    /** The policy actually used for {@code target}: {@code IMPLICIT} for the {@code s} schemes. */
    public TlsPolicy policyFor(Target target) {
        return target.implicit() ? TlsPolicy.IMPLICIT : policy;
    }

    /** The name to verify for {@code target}. */
    public String nameFor(Target target) {
        return serverName.orElse(target.host());
    }

    /**
     * The client configuration for {@code target}.
     *
     * @param target what to connect to
     * @return the configuration
     */
    public ClientConfig config(Target target) {
        CertificateCheck check = check();
        ClientConfig.Builder b = ClientConfig.builder(nameFor(target))
                .policy(policyFor(target))
                .serverPort(target.port())
                .clientName(ehlo)
                .tlsFloor(tlsMin)
                .timeouts(Timeouts.of(timeout))
                .certificateCheck(check);
        if (!trust.isEmpty() && check.verifyChain()) { // the config refuses anchors that --insecure would ignore
            b.trustAnchors(trust);
        }
        return b.build();
    }

    private CertificateCheck check() {
        if (insecure) {
            return CertificateCheck.dangerouslyAcceptAny();
        }
        if (!pins.isEmpty()) {
            String[] p = pins.toArray(String[]::new);
            return trust.isEmpty() ? CertificateCheck.pinnedOnly(p) : CertificateCheck.standardAndPinned(p);
        }
        return CertificateCheck.standard();
    }

    /** How the certificate is judged, in words; starts with {@code none} when it is not. */
    public String verificationWords(Target target) {
        if (insecure) {
            return "none (--insecure)";
        }
        String anchors = trustFile.map(f -> "the anchors in " + f).orElse("the JDK's trust store");
        if (!pins.isEmpty() && trust.isEmpty()) {
            return "SHA-256 pin only (" + Words.plural(pins.size(), "pin") + ")";
        }
        String base = "chain against " + anchors + ", and the name " + nameFor(target);
        return pins.isEmpty() ? base : base + ", and a SHA-256 pin";
    }

    /**
     * Reads PEM certificates.
     *
     * @param file a file of one or more {@code -----BEGIN CERTIFICATE-----} blocks
     * @return the certificates
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    public static List<X509Certificate> readCertificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> list = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                list.add((X509Certificate) c);
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return list;
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read certificates from " + file + ": " + e.getMessage());
        }
    }
}
