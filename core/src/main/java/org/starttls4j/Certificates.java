package org.starttls4j;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedTrustManager;
import org.starttls4j.internal.tls.CertificateStrengths;
import org.starttls4j.internal.tls.HostNames;
import org.starttls4j.internal.tls.TlsContexts;

/**
 * The certificate judgements a negotiation makes, for callers that need them outside one: an
 * audit that describes a chain, a benchmark or tool that builds the same client context a
 * {@link ClientConfig} would. The public face of the core's non-exported TLS inside; the rules are
 * the ones the negotiation applies, not a copy of them.
 */
public final class Certificates {

    private Certificates() {
    }

    /**
     * Why a chain is below a {@link CertificateStrength} floor.
     *
     * @param problem {@link CertificateProblem#WEAK_KEY} or {@link CertificateProblem#WEAK_SIGNATURE}
     * @param message which certificate and what about it, for a person
     */
    public record Weakness(CertificateProblem problem, String message) {

        /**
         * Checks the components are present.
         *
         * @param problem {@link CertificateProblem#WEAK_KEY} or {@link CertificateProblem#WEAK_SIGNATURE}
         * @param message which certificate and what about it, for a person
         * @throws NullPointerException if one is null
         */
        public Weakness {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * A client context that verifies the chain as {@code check} says, against the given anchors or
     * the JDK's default trust store, with the default {@link CertificateStrength}; the host name is
     * left to the negotiation, which checks it after the handshake.
     *
     * @param trustManager the trust anchors' manager, or empty for the JDK's default
     * @param check        how to judge the certificate
     * @return a new context
     * @throws IllegalStateException if the JDK has no TLS context or cannot load its trust store
     */
    public static SSLContext clientContext(Optional<X509ExtendedTrustManager> trustManager, CertificateCheck check) {
        return TlsContexts.client(trustManager, check.verifyChain());
    }

    /**
     * A PKIX trust manager that trusts exactly {@code anchors}.
     *
     * @param anchors the trusted certificates (usually CA roots)
     * @return the trust manager
     * @throws IllegalArgumentException if no trust store can be built from the anchors
     */
    public static X509ExtendedTrustManager trusting(Collection<X509Certificate> anchors) {
        return TlsContexts.trusting(anchors);
    }

    /**
     * Whether {@code certificate} carries {@code reference} as the negotiation checks it (RFC 6125
     * and RFC 7817: DNS names with the left-most wildcard only, IP addresses by value, the subject
     * CN only when there is no subjectAltName).
     *
     * @param certificate the presented (leaf) certificate
     * @param reference   the name or IP literal the client meant to reach
     * @return whether it matches
     */
    public static boolean matchesHost(X509Certificate certificate, String reference) {
        return HostNames.matches(certificate, reference);
    }

    /**
     * Whether {@code name} is an IP literal (IPv4 dotted quad or IPv6, with or without brackets)
     * rather than a host name, as the negotiation tells them apart.
     *
     * @param name the reference name
     * @return whether it is an IP literal
     */
    public static boolean isIpLiteral(String name) {
        return HostNames.ipLiteral(name).isPresent();
    }

    /**
     * The first certificate, from the leaf up, whose key or signature is weaker than {@code floor},
     * judged as the handshake judges a verified chain; a self-issued certificate's signature proves
     * nothing and is not judged.
     *
     * @param chain the chain, leaf first
     * @param floor the weakest keys and signatures accepted
     * @return the weakness, or empty when the chain meets the floor
     */
    public static Optional<Weakness> weakness(List<X509Certificate> chain, CertificateStrength floor) {
        return CertificateStrengths.weakness(chain, floor.floor(), c -> false)
                .map(w -> new Weakness(TlsFailures.problem(w.problem()), w.message()));
    }

    /**
     * A key's algorithm and size for a person, e.g. {@code "RSA 2048-bit"}, {@code "EC 256-bit"}.
     *
     * @param key the key
     * @return its description
     */
    public static String describeKey(PublicKey key) {
        return CertificateStrengths.keyDescription(key);
    }
}
