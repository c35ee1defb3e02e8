package org.starttls4j.internal.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client's judge of a server chain: the real trust manager validates it (without any host
 * name: the engine's endpoint identification is off), then this checks the strength floor and
 * the host name by RFC 7817 ({@link HostNames}). A rejection says <em>why</em>, as a
 * {@link Problem} carried by a {@link RejectedCertificateException}: TLS-RPT
 * (RFC 8460) wants host mismatch, expiry and untrusted chains told apart.
 *
 * <p>The delegate's reasons are read from the exception types and certificate-path reasons the
 * JDK gives ({@link CertificateExpiredException}, {@link BasicReason}, {@link PKIXReason},
 * {@link CertPathBuilderException}); where it gives none (the JDK reports a certificate's wrong
 * purpose as free text), the certificate itself is examined. Message text is never read.
 */
final class ClassifyingTrustManager extends ServerChainTrustManager {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;

    private final X509ExtendedTrustManager delegate;
    private final String serverName;
    private final StrengthFloor floor;
    private volatile Set<X509Certificate> anchors;

    /**
     * A judge.
     *
     * @param delegate   validates the chain against the anchors
     * @param serverName the name the certificate must carry, or null when the host name is not verified
     * @param floor      the weakest keys and signatures accepted
     */
    ClassifyingTrustManager(X509ExtendedTrustManager delegate, String serverName, StrengthFloor floor) {
        this.delegate = delegate;
        this.serverName = serverName;
        this.floor = floor;
    }

    /** The delegate's verdict, classified when it rejects the chain, then what it does not judge. */
    @Override
    void checkServer(X509Certificate[] chain, String authType, Overload overload) throws CertificateException {
        try {
            overload.replayOn(delegate);
        } catch (CertificateException e) {
            throw classify(e, chain, authType);
        }
        judge(chain);
    }

    /** What the delegate does not check: the strength floor, then the host name. */
    private void judge(X509Certificate[] chain) throws RejectedCertificateException {
        Optional<CertificateStrengths.Weakness> weakness = CertificateStrengths.weakness(List.of(chain), floor, anchors()::contains);
        if (weakness.isPresent()) {
            throw new RejectedCertificateException(weakness.get().problem(), subject(chain), weakness.get().message(), null);
        }
        if (serverName != null && !HostNames.matches(chain[0], serverName)) {
            throw new RejectedCertificateException(Problem.HOST_MISMATCH, subject(chain),
                    "the certificate does not name " + serverName, null);
        }
    }

    private Set<X509Certificate> anchors() {
        Set<X509Certificate> known = anchors;
        if (known == null) {
            known = new HashSet<>(List.of(delegate.getAcceptedIssuers()));
            anchors = known;
        }
        return known;
    }

    private RejectedCertificateException classify(CertificateException e, X509Certificate[] chain, String authType) {
        Problem problem = problemOf(e);
        if (problem == Problem.WEAK_SIGNATURE) {
            // the JDK's algorithm constraints say "weak" without saying whether the key or the digest
            problem = CertificateStrengths.weakness(List.of(chain), StrengthFloor.DEFAULT, anchors()::contains)
                    .map(CertificateStrengths.Weakness::problem).orElse(problem);
        }
        if (problem == null && chain.length > 0 && wrongPurpose(chain[0], authType)) {
            problem = Problem.WRONG_PURPOSE;
        }
        if (problem == null) {
            problem = Problem.NOT_TRUSTED;
        }
        return new RejectedCertificateException(problem, subject(chain), String.valueOf(e.getMessage()), e);
    }

    private static String subject(X509Certificate[] chain) {
        return chain.length == 0 ? null : chain[0].getSubjectX500Principal().getName();
    }

    /**
     * The problem a certificate exception's type, or a certificate-path reason in its causes,
     * names; null when none does. A path builder's failure says only that no trusted path was
     * found, so a more precise cause below it (BouncyCastle keeps the expiry there) wins.
     */
    static Problem problemOf(Throwable e) {
        Problem noPath = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RejectedCertificateException rejected) {
                return rejected.problem();
            }
            if (t instanceof CertificateExpiredException) {
                return Problem.EXPIRED;
            }
            if (t instanceof CertificateNotYetValidException) {
                return Problem.NOT_YET_VALID;
            }
            if (t instanceof CertPathValidatorException validator) {
                Problem problem = problemOf(validator.getReason());
                if (problem != null) {
                    return problem;
                }
            }
            if (t instanceof CertPathBuilderException) {
                noPath = Problem.NOT_TRUSTED; // no path to any anchor, unless a cause says why
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return noPath;
    }

    private static Problem problemOf(CertPathValidatorException.Reason reason) {
        if (reason instanceof BasicReason basic) {
            return switch (basic) {
                case EXPIRED -> Problem.EXPIRED;
                case NOT_YET_VALID -> Problem.NOT_YET_VALID;
                case ALGORITHM_CONSTRAINED -> Problem.WEAK_SIGNATURE; // refined by the caller
                case INVALID_SIGNATURE, REVOKED -> Problem.NOT_TRUSTED;
                case UNDETERMINED_REVOCATION_STATUS, UNSPECIFIED -> null;
            };
        }
        if (reason instanceof PKIXReason pkix) {
            return switch (pkix) {
                case INVALID_NAME -> Problem.NAME_CONSTRAINT_VIOLATION;
                case INVALID_KEY_USAGE -> Problem.WRONG_PURPOSE;
                case NO_TRUST_ANCHOR, NAME_CHAINING, NOT_CA_CERT, PATH_TOO_LONG, INVALID_POLICY,
                        UNRECOGNIZED_CRIT_EXT -> Problem.NOT_TRUSTED;
            };
        }
        return null;
    }

    /**
     * Whether the leaf may not serve TLS: an extended key usage without {@code serverAuth}, or a
     * key usage without what the key exchange needs (as the JDK's end-entity check decides).
     */
    static boolean wrongPurpose(X509Certificate leaf, String authType) {
        try {
            List<String> extended = leaf.getExtendedKeyUsage();
            if (extended != null && !extended.contains(SERVER_AUTH) && !extended.contains(ANY_EXTENDED_KEY_USAGE)) {
                return true;
            }
        } catch (CertificateParsingException e) {
            return true;
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage == null) {
            return false;
        }
        String type = authType == null ? "" : authType;
        int needed = type.equals("RSA") ? KEY_ENCIPHERMENT
                : type.startsWith("DH_") || type.startsWith("ECDH_") ? KEY_AGREEMENT : DIGITAL_SIGNATURE;
        return usage.length <= needed || !usage[needed];
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
