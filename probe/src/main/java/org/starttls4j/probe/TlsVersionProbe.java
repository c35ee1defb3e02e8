package org.starttls4j.probe;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Tries one TLS version against a server, after STARTTLS where the protocol needs it.
 *
 * <p>The JDK cannot: SunJSSE (and BouncyCastle's JSSE provider) apply
 * {@code jdk.tls.disabledAlgorithms}, which lists TLS 1.0 and 1.1, JVM-wide. BouncyCastle's
 * low-level TLS API offers exactly the versions and cipher suites it is given, so the audit uses
 * it for all four versions alike. Nothing is sent inside TLS and the certificate is not judged
 * here (the certificate checks do that): the only question is whether the server completes a
 * handshake at that version.
 */
final class TlsVersionProbe {

    /** What a try found. */
    sealed interface Result {
    }

    /**
     * The server completed a handshake at the version tried.
     *
     * @param chain the certificates it presented, leaf first
     */
    record Accepted(List<X509Certificate> chain) implements Result {
    }

    /** The server would not: an alert, a close, or no answer. */
    record Refused(String how) implements Result {
    }

    /** The try could not reach the TLS handshake (STARTTLS refused, connection broken before it). */
    record NotTried(String why) implements Result {
    }

    private static final int[] SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
        CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        CipherSuite.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
    };

    private TlsVersionProbe() {
    }

    /**
     * Tries {@code version} ({@code "1.0"}, {@code "1.1"}, {@code "1.2"} or {@code "1.3"}).
     *
     * @param target     the server
     * @param address    its address
     * @param serverName the name to send in SNI
     * @param ehlo       the SMTP client name
     * @param timeout    the bound on every wait
     * @return what happened
     * @throws UnreachableException when the TCP connect fails
     */
    static Result attempt(Target target, InetSocketAddress address, String serverName, String ehlo, String version,
                          Duration timeout) throws UnreachableException {
        try (RawDialog dialog = RawDialog.open(address, target.protocol(), timeout)) {
            if (!target.implicit()) {
                try {
                    dialog.greeting();
                    dialog.capabilities(ehlo);
                    List<String> reply = dialog.startTls("");
                    if (!dialog.isGoAhead(reply)) {
                        return new NotTried(target.protocol().startTlsWord() + " refused: " + reply.get(reply.size() - 1));
                    }
                } catch (IOException e) {
                    return new NotTried("the plaintext dialog failed: " + e.getMessage());
                }
            }
            OneVersionClient client = new OneVersionClient(versionOf(version), serverName);
            TlsClientProtocol tls;
            try {
                tls = new TlsClientProtocol(dialog.socket().getInputStream(), dialog.socket().getOutputStream());
            } catch (IOException e) {
                return new NotTried(e.getMessage());
            }
            try {
                tls.connect(client);
                try {
                    tls.close();
                } catch (IOException ignored) {
                    // the handshake is what counted
                }
                return new Accepted(client.chain);
            } catch (TlsFatalAlertReceived e) {
                return new Refused("the server sent the alert " + AlertDescription.getText(e.getAlertDescription()));
            } catch (TlsFatalAlert e) {
                String alert = AlertDescription.getText(e.getAlertDescription());
                return new Refused("the handshake failed: " + alert
                        + (e.getMessage() == null || e.getMessage().equals(alert) ? "" : " (" + e.getMessage() + ")"));
            } catch (SocketTimeoutException e) {
                return new Refused("no answer within " + timeout.toSeconds() + " s");
            } catch (EOFException e) {
                return new Refused("the server closed the connection");
            } catch (IOException e) {
                return new Refused("the connection failed: " + e.getMessage());
            }
        }
    }

    private static ProtocolVersion versionOf(String version) {
        return switch (version) {
            case "1.0" -> ProtocolVersion.TLSv10;
            case "1.1" -> ProtocolVersion.TLSv11;
            case "1.2" -> ProtocolVersion.TLSv12;
            case "1.3" -> ProtocolVersion.TLSv13;
            default -> throw new IllegalArgumentException("no such TLS version: " + version);
        };
    }

    /** Offers exactly one version and accepts any certificate (this check is about the version only). */
    private static final class OneVersionClient extends DefaultTlsClient {
        private final ProtocolVersion version;
        private final String serverName;
        private List<X509Certificate> chain = List.of();

        OneVersionClient(ProtocolVersion version, String serverName) {
            super(new BcTlsCrypto(new SecureRandom()));
            this.version = version;
            this.serverName = serverName;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return version.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"}) // BouncyCastle's API predates generics
        protected Vector getSNIServerNames() {
            if (serverName.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':')) {
                return null; // RFC 6066 §3: no IP literals in SNI
            }
            Vector names = new Vector();
            names.add(new ServerName(NameType.host_name, serverName.getBytes(StandardCharsets.US_ASCII)));
            return names;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new ServerOnlyTlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                    // accepted whatever it is: the certificate checks judge it; kept for them
                    List<X509Certificate> list = new ArrayList<>();
                    try {
                        CertificateFactory factory = CertificateFactory.getInstance("X.509");
                        for (TlsCertificate c : serverCertificate.getCertificate().getCertificateList()) {
                            list.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(c.getEncoded())));
                        }
                    } catch (CertificateException | IOException e) {
                        list.clear(); // unreadable: the handshake still tells whether the version is accepted
                    }
                    chain = List.copyOf(list);
                }
            };
        }
    }
}
