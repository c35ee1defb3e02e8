package org.starttls4j.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.crypto.TlsCertificate;

/**
 * A read-only snapshot of BouncyCastle low-level {@link SecurityParameters} presented as an
 * {@link SSLSession}, for {@link BcTlsEngine}. Translates BouncyCastle's numeric versions and
 * cipher suites into the JSSE standard names, so tests can compare with SunJSSE's sessions.
 */
final class BcTlsSession implements SSLSession {

    /** The suites {@link LegacyTls} uses; anything else is reported by number. */
    private static final Map<Integer, String> CIPHER_SUITE_NAMES = Map.of(
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");

    /** TLS caps records at 2^14 plaintext bytes; 2^14 + 2048 covers any CBC/MAC/padding overhead. */
    private static final int MAX_PLAINTEXT = 1 << 14;
    private static final int MAX_RECORD = 5 + MAX_PLAINTEXT + 2048;

    private final String protocol;
    private final String cipherSuite;
    private final byte[] id;
    private final X509Certificate[] localCertificates;
    private final X509Certificate[] peerCertificates;
    private final String peerHost;
    private final int peerPort;
    private final long creationTime = System.currentTimeMillis();
    private final Map<String, Object> values = new HashMap<>();

    private BcTlsSession(String protocol, String cipherSuite, byte[] id, X509Certificate[] localCertificates,
            X509Certificate[] peerCertificates, SSLEngine engine) {
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
        this.id = id;
        this.localCertificates = localCertificates;
        this.peerCertificates = peerCertificates;
        this.peerHost = engine.getPeerHost();
        this.peerPort = engine.getPeerPort();
    }

    /** What the parameters say so far; fields not negotiated yet read as in {@link #none}. */
    static BcTlsSession of(SecurityParameters parameters, SSLEngine engine) {
        ProtocolVersion version = parameters.getNegotiatedVersion();
        return new BcTlsSession(
                version == null ? "NONE" : protocolName(version),
                version == null ? "SSL_NULL_WITH_NULL_NULL" : cipherSuiteName(parameters.getCipherSuite()),
                parameters.getSessionID() == null ? new byte[0] : parameters.getSessionID().clone(),
                toX509(parameters.getLocalCertificate()),
                toX509(parameters.getPeerCertificate()),
                engine);
    }

    /** The placeholder JSSE engines return before a handshake completes. */
    static BcTlsSession none(SSLEngine engine) {
        return new BcTlsSession("NONE", "SSL_NULL_WITH_NULL_NULL", new byte[0], null, null, engine);
    }

    /** JSSE standard name, e.g. {@code TLSv1.1}; note TLS 1.0 is plain {@code TLSv1}. */
    static String protocolName(ProtocolVersion version) {
        if (version.equals(ProtocolVersion.TLSv10)) {
            return "TLSv1";
        }
        if (version.isTLS() && !version.isSSL()) {
            return "TLSv1." + (version.getMinorVersion() - 1);
        }
        return version.getName();
    }

    static String cipherSuiteName(int suite) {
        return CIPHER_SUITE_NAMES.getOrDefault(suite, String.format(Locale.ROOT, "0x%04X", suite));
    }

    static X509Certificate[] toX509(org.bouncycastle.tls.Certificate certificate) {
        if (certificate == null || certificate.isEmpty()) {
            return null;
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            TlsCertificate[] list = certificate.getCertificateList();
            X509Certificate[] result = new X509Certificate[list.length];
            for (int i = 0; i < list.length; i++) {
                result[i] = (X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(list[i].getEncoded()));
            }
            return result;
        } catch (CertificateException | IOException e) {
            throw new IllegalStateException("cannot decode a certificate BouncyCastle accepted", e);
        }
    }

    @Override
    public String getProtocol() {
        return protocol;
    }

    @Override
    public String getCipherSuite() {
        return cipherSuite;
    }

    @Override
    public byte[] getId() {
        return id.clone();
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
        if (peerCertificates == null) {
            throw new SSLPeerUnverifiedException("peer not authenticated");
        }
        return peerCertificates.clone();
    }

    @Override
    public Certificate[] getLocalCertificates() {
        return localCertificates == null ? null : localCertificates.clone();
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        return ((X509Certificate) getPeerCertificates()[0]).getSubjectX500Principal();
    }

    @Override
    public Principal getLocalPrincipal() {
        return localCertificates == null ? null : localCertificates[0].getSubjectX500Principal();
    }

    @Override
    public String getPeerHost() {
        return peerHost;
    }

    @Override
    public int getPeerPort() {
        return peerPort;
    }

    @Override
    public int getPacketBufferSize() {
        return MAX_RECORD;
    }

    @Override
    public int getApplicationBufferSize() {
        return MAX_PLAINTEXT;
    }

    @Override
    public SSLSessionContext getSessionContext() {
        return null; // no session caching or resumption
    }

    @Override
    public long getCreationTime() {
        return creationTime;
    }

    @Override
    public long getLastAccessedTime() {
        return creationTime;
    }

    @Override
    public void invalidate() {
        // Nothing to invalidate: sessions are never resumed.
    }

    @Override
    public boolean isValid() {
        return !"NONE".equals(protocol);
    }

    @Override
    public void putValue(String name, Object value) {
        values.put(name, value);
    }

    @Override
    public Object getValue(String name) {
        return values.get(name);
    }

    @Override
    public void removeValue(String name) {
        values.remove(name);
    }

    @Override
    public String[] getValueNames() {
        return values.keySet().toArray(String[]::new);
    }

    @Override
    public String toString() {
        return "BcTlsSession[" + protocol + ", " + cipherSuite + ", id=" + HexFormat.of().formatHex(id) + "]";
    }
}
