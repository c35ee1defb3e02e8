package org.starttls4j.tlsrpt;

import java.util.Optional;
import org.starttls4j.CertificateProblem;
import org.starttls4j.Failure;

/**
 * The result types of RFC 8460 §4.3, the one place where the library's failures become what a
 * TLS-RPT report says. {@link Failure#tlsRptResultType()} and
 * {@link CertificateProblem#tlsRptResultType()} name the type of a negotiation failure; the DANE
 * and MTA-STS policy failures are named by the deciders in {@code org.starttls4j.dane} and
 * {@code org.starttls4j.mtasts}.
 */
public enum ResultType {
    /** §4.3.1: the receiving MX did not support STARTTLS, or refused it. */
    STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
    /** §4.3.1: the certificate did not name the MX host. */
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    /** §4.3.1: the certificate had expired. */
    CERTIFICATE_EXPIRED("certificate-expired"),
    /** §4.3.1: the certificate did not chain to a trusted root. */
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
    /** §4.3.1 and §4.3.3: any other failure to establish an authenticated channel. */
    VALIDATION_FAILURE("validation-failure"),
    /** §4.3.2.1: no TLSA record of a usable RRset matched (or all were unusable). */
    TLSA_INVALID("tlsa-invalid"),
    /** §4.3.2.1: DNSSEC validation of the TLSA (or MX) lookup failed. */
    DNSSEC_INVALID("dnssec-invalid"),
    /** §4.3.2.1: the sender requires DANE for this destination, but no secure TLSA records exist. */
    DANE_REQUIRED("dane-required"),
    /** §4.3.2.2: the MTA-STS policy could not be fetched. */
    STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
    /** §4.3.2.2: the MTA-STS policy was fetched but is not valid. */
    STS_POLICY_INVALID("sts-policy-invalid"),
    /** §4.3.2.2: the HTTPS server of the MTA-STS policy had no valid Web PKI certificate. */
    STS_WEBPKI_INVALID("sts-webpki-invalid");

    private static final ResultType[] TYPES = values();

    private final String wireName;

    ResultType(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name as it appears in a report's {@code result-type}.
     *
     * @return e.g. {@code "starttls-not-supported"}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * The type a report's {@code result-type} names.
     *
     * @param wireName the name as RFC 8460 spells it
     * @return the type, or empty for a name this library does not know
     */
    public static Optional<ResultType> fromWireName(String wireName) {
        for (ResultType t : TYPES) {
            if (t.wireName.equals(wireName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The type a failed negotiation is reported as.
     *
     * @param failure the failure
     * @return its result type
     */
    public static ResultType of(Failure failure) {
        return fromWireName(failure.tlsRptResultType()).orElse(VALIDATION_FAILURE);
    }

    /**
     * The type a rejected certificate is reported as.
     *
     * @param problem what was wrong with it
     * @return its result type
     */
    public static ResultType of(CertificateProblem problem) {
        return fromWireName(problem.tlsRptResultType()).orElse(VALIDATION_FAILURE);
    }
}
