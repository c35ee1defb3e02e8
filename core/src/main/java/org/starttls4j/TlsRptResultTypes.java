package org.starttls4j;

/**
 * The one place where failures meet RFC 8460 (SMTP TLS Reporting), and the one place in this
 * package where its result types are spelled: the constants below, which the Javadoc of
 * {@link Failure} and {@link CertificateProblem} only describe. Anything not mapped here is
 * {@value #VALIDATION_FAILURE}; {@code TlsRptResultTypesTest} lists every reason and problem with
 * its type, and fails on a certificate problem it does not list.
 *
 * <p>Of TLS-RPT's DANE and MTA-STS types, the one a certificate check decides ({@value #TLSA_INVALID})
 * is here; the others belong to the policy layer above. That layer's {@code tlsrpt.ResultType}
 * spells every type again as an enum for reports: this package cannot use it (it depends on this
 * one, and the core has no package cycle), so {@code ResultTypeTest} checks that each name
 * produced here is one of its wire names.
 */
final class TlsRptResultTypes {

    static final String STARTTLS_NOT_SUPPORTED = "starttls-not-supported";
    static final String CERTIFICATE_HOST_MISMATCH = "certificate-host-mismatch";
    static final String CERTIFICATE_EXPIRED = "certificate-expired";
    static final String CERTIFICATE_NOT_TRUSTED = "certificate-not-trusted";
    static final String VALIDATION_FAILURE = "validation-failure";
    static final String TLSA_INVALID = "tlsa-invalid";

    private TlsRptResultTypes() {
    }

    static String of(CertificateProblem problem) {
        return switch (problem) {
            case HOST_MISMATCH -> CERTIFICATE_HOST_MISMATCH;
            case EXPIRED -> CERTIFICATE_EXPIRED;
            // a CA outside its name constraints vouches for nothing: the chain is not trusted
            case NOT_TRUSTED, NAME_CONSTRAINT_VIOLATION -> CERTIFICATE_NOT_TRUSTED;
            // usable TLSA records were published and none matched (RFC 8460 §4.3.2.1)
            case DANE_MISMATCH -> TLSA_INVALID;
            default -> VALIDATION_FAILURE; // NOT_YET_VALID, WRONG_PURPOSE, WEAK_KEY, WEAK_SIGNATURE, PIN_MISMATCH, OTHER
        };
    }

    /** For {@link Failure.Reason#CERTIFICATE_REJECTED}, {@code problem} decides; it is ignored otherwise. */
    static String of(Failure.Reason reason, CertificateProblem problem) {
        return switch (reason) {
            // PREAUTH: the IMAP server made STARTTLS impossible before it could be offered
            case STARTTLS_NOT_OFFERED, STARTTLS_REFUSED, STARTTLS_NOT_USED, PREAUTH_WITHOUT_TLS -> STARTTLS_NOT_SUPPORTED;
            case CERTIFICATE_REJECTED -> problem == null ? VALIDATION_FAILURE : of(problem);
            // ended by this side: TLS-RPT has no type for it, and the session did not reach TLS
            case LOCAL_ABORT -> VALIDATION_FAILURE;
            // a broken dialog, a bound, a TLS failure other than the certificate's, a closed or silent peer
            default -> VALIDATION_FAILURE;
        };
    }
}
