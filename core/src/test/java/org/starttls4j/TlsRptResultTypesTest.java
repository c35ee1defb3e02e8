package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every {@link Failure.Reason} and every {@link CertificateProblem} with its RFC 8460 result type. */
class TlsRptResultTypesTest {

    static final Map<Failure.Reason, String> REASONS = new EnumMap<>(Failure.Reason.class);
    static final Map<CertificateProblem, String> PROBLEMS = new EnumMap<>(CertificateProblem.class);

    static {
        for (Failure.Reason r : Failure.Reason.values()) {
            REASONS.put(r, "validation-failure");
        }
        REASONS.put(Failure.Reason.STARTTLS_NOT_OFFERED, "starttls-not-supported");
        REASONS.put(Failure.Reason.STARTTLS_REFUSED, "starttls-not-supported");
        REASONS.put(Failure.Reason.STARTTLS_NOT_USED, "starttls-not-supported");
        REASONS.put(Failure.Reason.PREAUTH_WITHOUT_TLS, "starttls-not-supported");
        REASONS.put(Failure.Reason.LOCAL_ABORT, "validation-failure");
        PROBLEMS.put(CertificateProblem.HOST_MISMATCH, "certificate-host-mismatch");
        PROBLEMS.put(CertificateProblem.EXPIRED, "certificate-expired");
        PROBLEMS.put(CertificateProblem.NOT_YET_VALID, "validation-failure");
        PROBLEMS.put(CertificateProblem.NOT_TRUSTED, "certificate-not-trusted");
        PROBLEMS.put(CertificateProblem.NAME_CONSTRAINT_VIOLATION, "certificate-not-trusted");
        PROBLEMS.put(CertificateProblem.WRONG_PURPOSE, "validation-failure");
        PROBLEMS.put(CertificateProblem.WEAK_KEY, "validation-failure");
        PROBLEMS.put(CertificateProblem.WEAK_SIGNATURE, "validation-failure");
        PROBLEMS.put(CertificateProblem.PIN_MISMATCH, "validation-failure");
        PROBLEMS.put(CertificateProblem.DANE_MISMATCH, "tlsa-invalid");
        PROBLEMS.put(CertificateProblem.OTHER, "validation-failure");
    }

    @Test
    void theTableNamesEveryProblem() {
        assertThat(PROBLEMS.keySet()).containsExactlyInAnyOrder(CertificateProblem.values());
    }

    @ParameterizedTest
    @EnumSource(Failure.Reason.class)
    void eachReasonHasItsResultType(Failure.Reason reason) {
        if (reason == Failure.Reason.CERTIFICATE_REJECTED) {
            assertThat(Failure.of(reason, "x").tlsRptResultType()).as("without a problem").isEqualTo("validation-failure");
            return;
        }
        assertThat(Failure.of(reason, "x").tlsRptResultType()).isEqualTo(REASONS.get(reason));
    }

    @Test
    void aLocalAbortIsItsOwnReasonNotAClosedPeer() {
        Failure abort = Failure.of(Failure.Reason.LOCAL_ABORT, "closed locally");

        assertThat(abort.reason()).isNotEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(abort.tlsRptResultType()).isEqualTo("validation-failure");
        assertThat(abort.toString()).startsWith("LOCAL_ABORT: ");
    }

    @ParameterizedTest
    @EnumSource(CertificateProblem.class)
    void eachCertificateProblemHasItsResultType(CertificateProblem problem) {
        assertThat(problem.tlsRptResultType()).isEqualTo(PROBLEMS.get(problem));
        assertThat(Failure.certificate(problem, "x", Optional.empty()).tlsRptResultType()).isEqualTo(PROBLEMS.get(problem));
    }
}
