package org.starttls4j.testing;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * {@link SSLContext}s from BouncyCastle's JSSE provider (bctls): a second, independent TLS
 * implementation to check interoperability against, next to the JDK's SunJSSE.
 *
 * <p>Neither provider is installed with {@code Security.addProvider}: they are passed explicitly
 * to the {@code getInstance} calls, so the rest of the JVM (and every other test) keeps using the
 * JDK's providers. BCJSSE is given its own BouncyCastle crypto provider for the same reason.
 *
 * <p>Expect noise: BCJSSE logs each failed handshake through java.util.logging at INFO, with a
 * stack trace. (Tests compile inside the {@code org.starttls4j.core} module, which reads only
 * {@code java.base}, so this class cannot reach java.util.logging to turn that down.)
 */
public final class BcJsse {

    /**
     * Shared because constructing BouncyCastle providers is slow. Providers are stateless
     * factories, so sharing them between tests is safe.
     */
    static final Provider CRYPTO = new BouncyCastleProvider();
    private static final Provider JSSE = new BouncyCastleJsseProvider(CRYPTO);

    private BcJsse() {
    }

    /** The (not globally installed) BCJSSE provider instance used by this class. */
    public static Provider provider() {
        return JSSE;
    }

    /** A fresh BCJSSE client context that trusts only {@code anchors} (PKIX) and has no key. */
    public static SSLContext clientContextTrusting(X509Certificate... anchors) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX", JSSE);
            trust.init(TestPki.trustStore(anchors));
            SSLContext context = SSLContext.getInstance("TLS", JSSE);
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh BCJSSE server context presenting {@code identity}, with default protocols. */
    public static SSLContext serverContext(Identity identity) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX", JSSE);
            keys.init(identity.keyStore(), identity.keyStorePassword());
            SSLContext context = SSLContext.getInstance("TLS", JSSE);
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
