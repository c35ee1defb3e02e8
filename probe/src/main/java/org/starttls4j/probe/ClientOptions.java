package org.starttls4j.probe;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;
import picocli.CommandLine.Option;

/** The options {@code probe} and {@code audit} share; picocli fills the fields. */
final class ClientOptions {

    @Option(names = "--policy", paramLabel = "opportunistic|required",
            description = "STARTTLS policy (default: required). The s schemes (smtps, imaps, pop3s, nntps) always use implicit TLS.")
    String policy;

    @Option(names = "--tls-min", paramLabel = "1.2|1.3", description = "Oldest TLS version accepted (default: 1.2).")
    String tlsMin = "1.2";

    @Option(names = "--trust", paramLabel = "FILE", description = "PEM trust anchors instead of the JDK's trust store.")
    Path trust;

    @Option(names = "--server-name", paramLabel = "NAME",
            description = "Name to send in SNI and verify in the certificate (default: the URL's host).")
    String serverName;

    @Option(names = "--pin", paramLabel = "SHA256",
            description = "SHA-256 fingerprint of an accepted certificate (repeatable). Alone: only the pin counts;"
                    + " with --trust: the chain, the name and the pin.")
    List<String> pins = new ArrayList<>();

    @Option(names = "--insecure", description = "Check no certificate at all (prints a warning).")
    boolean insecure;

    @Option(names = "--ehlo", paramLabel = "NAME", description = "The client's name in SMTP EHLO (default: localhost).")
    String ehlo = "localhost";

    @Option(names = "--adapter", paramLabel = "nio|netty", description = "Which adapter moves the bytes (default: nio).")
    String adapter = "nio";

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Bound on the connect and on every wait (default: 20).")
    long timeoutSeconds = 20;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /**
     * The checked settings for {@code target}.
     *
     * @throws IllegalArgumentException for a bad value or combination (a usage error)
     */
    ClientSettings settings(Target target) {
        TlsPolicy p = TlsPolicy.REQUIRED;
        if (policy != null) {
            p = switch (policy.toLowerCase(Locale.ROOT)) {
                case "required" -> TlsPolicy.REQUIRED;
                case "opportunistic" -> TlsPolicy.OPPORTUNISTIC;
                default -> throw new IllegalArgumentException("--policy is opportunistic or required, not " + policy);
            };
            if (target.implicit() && p == TlsPolicy.OPPORTUNISTIC) {
                throw new IllegalArgumentException(target.scheme() + ":// is implicit TLS; --policy opportunistic applies to STARTTLS schemes");
            }
        }
        TlsVersion floor = switch (tlsMin) {
            case "1.2" -> TlsVersion.TLS_1_2;
            case "1.3" -> TlsVersion.TLS_1_3;
            default -> throw new IllegalArgumentException("--tls-min is 1.2 or 1.3, not " + tlsMin);
        };
        Adapter a = switch (adapter.toLowerCase(Locale.ROOT)) {
            case "nio" -> Adapter.NIO;
            case "netty" -> Adapter.NETTY;
            default -> throw new IllegalArgumentException("--adapter is nio or netty, not " + adapter);
        };
        if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
            throw new IllegalArgumentException("--timeout is a number of seconds from 1 to 3600");
        }
        if (ehlo.isBlank() || !ehlo.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("--ehlo must be one printable ASCII word");
        }
        if (serverName != null && (serverName.isBlank() || serverName.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f))) {
            throw new IllegalArgumentException("--server-name must be a host name");
        }
        List<java.security.cert.X509Certificate> anchors = trust == null ? List.of() : ClientSettings.readCertificates(trust);
        return new ClientSettings(p, floor, anchors, Optional.ofNullable(trust), Optional.ofNullable(serverName), pins,
                insecure, ehlo, a, Duration.ofSeconds(timeoutSeconds));
    }
}
