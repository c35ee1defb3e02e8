package org.starttls4j.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.starttls4j.dane.DaneLevel;
import picocli.CommandLine.Option;

/** The options of {@code probe --mx} and {@code audit --mx}; picocli fills the fields. */
final class MxOptions {

    /** The root zone's KSK-2017 as a DS record: the default DNSSEC trust anchor. */
    static final String ROOT_TRUST_ANCHOR = ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";

    @Option(names = "--mx", description = "Treat the URL's host as a recipient domain: resolve its MX hosts, MTA-STS"
            + " policy, TLSA and TLS-RPT records, and negotiate with each MX host under the policy that results"
            + " (smtp:// only; the URL's port is the MX hosts' port).")
    boolean mx;

    @Option(names = "--dns", paramLabel = "HOST[:PORT]", description = "With --mx: the recursive resolver to ask"
            + " (default: 127.0.0.1:53). DNSSEC is validated here, from --trust-anchor, not trusted from it.")
    String dns = "127.0.0.1:53";

    @Option(names = "--trust-anchor", paramLabel = "FILE", description = "With --mx: DS or DNSKEY records (zone file"
            + " syntax) to validate DNSSEC from (default: the root zone's KSK-2017).")
    Path trustAnchor;

    @Option(names = "--dane", paramLabel = "dane|dane-only|none", description = "With --mx: Postfix's DANE level"
            + " (default: dane).")
    String dane = "dane";

    @Option(names = "--mta-sts-port", paramLabel = "N", hidden = true, description = "With --mx: the policy servers' HTTPS port (tests).")
    int mtaStsPort = 443;

    /** Refuses --mx for anything but smtp://. */
    void check(Target target) {
        if (!target.scheme().equals("smtp")) {
            throw new IllegalArgumentException("--mx is for smtp:// URLs (mail between domains, port 25)");
        }
    }

    Optional<DaneLevel> daneLevel() {
        return switch (dane.toLowerCase(Locale.ROOT)) {
            case "dane" -> Optional.of(DaneLevel.DANE);
            case "dane-only" -> Optional.of(DaneLevel.DANE_ONLY);
            case "none" -> Optional.empty();
            default -> throw new IllegalArgumentException("--dane is dane, dane-only or none, not " + dane);
        };
    }

    String trustAnchors() {
        if (trustAnchor == null) {
            return ROOT_TRUST_ANCHOR;
        }
        try {
            return Files.readString(trustAnchor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + trustAnchor, e);
        }
    }

    InetSocketAddress dnsAddress() {
        return hostAndPort(dns, 53);
    }

    /** {@code host[:port]} or {@code [v6]:port}, resolved. */
    static InetSocketAddress hostAndPort(String text, int defaultPort) {
        String host = text;
        int port = defaultPort;
        int colon = text.lastIndexOf(':');
        if (colon > 0 && text.indexOf(':') == colon || text.startsWith("[") && text.contains("]:")) {
            host = text.substring(0, colon);
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not HOST[:PORT]: " + text);
            }
        }
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not HOST[:PORT]: " + text);
        }
    }
}
