package org.starttls4j.testkit.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * A blocking TLS server that speaks TLS 1.0 and 1.1 only, on BouncyCastle's low-level TLS (the
 * JDK refuses those versions JVM-wide through {@code jdk.tls.disabledAlgorithms}, and so does
 * BouncyCastle's JSSE provider). Like a server from before TLS 1.3 it ignores the
 * {@code supported_versions} extension, so a modern client is answered with TLS 1.1 and must
 * refuse it itself: that refusal is what is being tested.
 */
public final class LegacyTlsServer {

    private static final int[] EC_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    private LegacyTlsServer() {
    }

    /**
     * A TLS 1.0/1.1 session after its handshake.
     *
     * @param in      decrypted bytes from the client
     * @param out     bytes to encrypt to the client
     * @param version the version negotiated, e.g. {@code TLS 1.1}
     */
    public record Session(InputStream in, OutputStream out, String version) {
    }

    /**
     * Runs the handshake over a connection.
     *
     * @param in       the client's bytes (any bytes already read first)
     * @param out      where to write
     * @param key      the server's EC private key
     * @param chain    its certificate chain, leaf first
     * @return the session once the handshake completed
     * @throws IOException when the handshake fails (the client refused, most likely)
     */
    public static Session accept(InputStream in, OutputStream out, PrivateKey key, List<X509Certificate> chain)
            throws IOException {
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().setProvider(new BouncyCastleProvider()).create(new SecureRandom());
        TlsServerProtocol protocol = new TlsServerProtocol(in, out) {
            @Override
            protected ClientHello receiveClientHelloMessage(ByteArrayInputStream buf) throws IOException {
                ClientHello hello = super.receiveClientHelloMessage(buf);
                if (hello.getExtensions() != null) {
                    hello.getExtensions().remove(TlsExtensionsUtils.EXT_supported_versions);
                }
                return hello;
            }
        };
        String[] version = {"?"};
        protocol.accept(new DefaultTlsServer(crypto) {
            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                version[0] = context.getServerVersion().toString();
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.TLSv11.downTo(ProtocolVersion.TLSv10);
            }

            @Override
            protected int[] getSupportedCipherSuites() {
                return TlsUtils.getSupportedCipherSuites(getCrypto(), EC_SUITES);
            }

            @Override
            protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
                TlsCertificate[] certificates = new TlsCertificate[chain.size()];
                for (int i = 0; i < certificates.length; i++) {
                    try {
                        certificates[i] = getCrypto().createCertificate(chain.get(i).getEncoded());
                    } catch (CertificateEncodingException e) {
                        throw new IOException(e);
                    }
                }
                // Signature-and-hash algorithm null: TLS 1.0/1.1 fix it (SHA-1 for ECDSA).
                return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key,
                        new Certificate(certificates), null);
            }
        });
        return new Session(protocol.getInputStream(), protocol.getOutputStream(), version[0]);
    }
}
