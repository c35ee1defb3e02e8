package org.starttls4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateProblem;
import org.starttls4j.Failure;

class ResultTypeTest {

    @Test
    void everyFailureAndCertificateProblemIsAKnownResultType() {
        for (Failure.Reason reason : Failure.Reason.values()) {
            assertThat(ResultType.fromWireName(Failure.of(reason, "x").tlsRptResultType())).as(reason.name()).isPresent();
        }
        for (CertificateProblem problem : CertificateProblem.values()) {
            assertThat(ResultType.fromWireName(problem.tlsRptResultType())).as(problem.name()).isPresent();
            assertThat(ResultType.of(Failure.certificate(problem, "x", Optional.empty()))).isEqualTo(ResultType.of(problem));
        }
    }

    @Test
    void theNegotiationFailuresMapAsRfc8460Names() {
        assertThat(ResultType.of(Failure.of(Failure.Reason.STARTTLS_NOT_OFFERED, "x"))).isEqualTo(ResultType.STARTTLS_NOT_SUPPORTED);
        assertThat(ResultType.of(Failure.of(Failure.Reason.STARTTLS_REFUSED, "x"))).isEqualTo(ResultType.STARTTLS_NOT_SUPPORTED);
        assertThat(ResultType.of(CertificateProblem.HOST_MISMATCH)).isEqualTo(ResultType.CERTIFICATE_HOST_MISMATCH);
        assertThat(ResultType.of(CertificateProblem.EXPIRED)).isEqualTo(ResultType.CERTIFICATE_EXPIRED);
        assertThat(ResultType.of(CertificateProblem.NOT_TRUSTED)).isEqualTo(ResultType.CERTIFICATE_NOT_TRUSTED);
        assertThat(ResultType.of(CertificateProblem.DANE_MISMATCH)).isEqualTo(ResultType.TLSA_INVALID);
        assertThat(ResultType.of(Failure.of(Failure.Reason.TIMEOUT, "x"))).isEqualTo(ResultType.VALIDATION_FAILURE);
    }

    @Test
    void wireNamesAreTheRfcsAndRoundTrip() {
        for (ResultType t : ResultType.values()) {
            assertThat(t.wireName()).matches("[a-z0-9-]+");
            assertThat(ResultType.fromWireName(t.wireName())).contains(t);
        }
        assertThat(ResultType.fromWireName("no-such-type")).isEmpty();
    }
}
