package org.starttls4j.internal.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds the client {@link SSLContext}s the configuration asks for. */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * A client context that verifies the chain (or not), against the given anchors or the JDK's
     * default trust store, with the default {@link StrengthFloor}; the host name is left to the
     * negotiation (which checks it after the handshake).
     *
     * @param trustManager the trust anchors' manager, or empty for the JDK's default
     * @param verifyChain  whether the chain is verified at all
     * @return a new context
     */
    public static SSLContext client(Optional<X509ExtendedTrustManager> trustManager, boolean verifyChain) {
        return client(trustManager, verifyChain, null, StrengthFloor.DEFAULT);
    }

    /**
     * A client context that judges the server's certificate entirely during the handshake: the
     * chain against the given anchors or the JDK's default trust store, the strength floor, and
     * the host name by RFC 7817 ({@link HostNames}).
     *
     * @param trustManager the trust anchors' manager, or empty for the JDK's default
     * @param verifyChain  whether the chain is verified at all (if not, nothing is)
     * @param serverName   the name the certificate must carry; null to leave the host name to the caller
     * @param floor        the weakest keys and signatures accepted in a verified chain
     * @return a new context
     */
    public static SSLContext client(Optional<X509ExtendedTrustManager> trustManager, boolean verifyChain,
                                    String serverName, StrengthFloor floor) {
        TrustManager tm = verifyChain
                ? new ClassifyingTrustManager(trustManager.orElseGet(TlsContexts::jdkDefaultTrustManager), serverName, floor)
                : new AcceptAnyTrustManager();
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {tm}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS SSLContext", e);
        }
    }

    /**
     * A PKIX trust manager that trusts exactly {@code anchors}.
     *
     * @param anchors the trusted certificates (usually CA roots)
     * @return the trust manager
     */
    public static X509ExtendedTrustManager trusting(Collection<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (X509Certificate anchor : anchors) {
                store.setCertificateEntry("anchor-" + store.size(), anchor);
            }
            return firstExtended(store);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot build a trust store from the anchors", e);
        }
    }

    private static X509ExtendedTrustManager jdkDefaultTrustManager() {
        try {
            return firstExtended(null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default trust store cannot be loaded", e);
        }
    }

    private static X509ExtendedTrustManager firstExtended(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new IllegalStateException("no X509ExtendedTrustManager from " + factory.getAlgorithm());
    }
}
