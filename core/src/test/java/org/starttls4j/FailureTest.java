package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureTest {

    /** RFC 8460 §4.3.1's negotiation failures, and tlsa-invalid (§4.3.2.1) for a chain no DANE record matches. */
    static final Set<String> TLS_RPT_TYPES = Set.of("starttls-not-supported", "certificate-host-mismatch",
            "certificate-expired", "certificate-not-trusted", "validation-failure", "tlsa-invalid");

    @ParameterizedTest
    @EnumSource(Failure.Reason.class)
    void everyReasonMapsOntoOneTlsRptResultType(Failure.Reason reason) {
        assertThat(Failure.of(reason, "x").tlsRptResultType()).isIn(TLS_RPT_TYPES);
    }

    @ParameterizedTest
    @EnumSource(CertificateProblem.class)
    void everyCertificateProblemMapsOntoOneTlsRptResultType(CertificateProblem problem) {
        assertThat(Failure.certificate(problem, "x", Optional.empty()).tlsRptResultType()).isEqualTo(problem.tlsRptResultType())
                .isIn(TLS_RPT_TYPES);
    }

    @Test
    void starttlsProblemsAreReportedAsNotSupported() {
        assertThat(Failure.of(Failure.Reason.STARTTLS_NOT_OFFERED, "x").tlsRptResultType()).isEqualTo("starttls-not-supported");
        assertThat(Failure.of(Failure.Reason.STARTTLS_REFUSED, "x").tlsRptResultType()).isEqualTo("starttls-not-supported");
        assertThat(Failure.of(Failure.Reason.TIMEOUT, "x").tlsRptResultType()).isEqualTo("validation-failure");
    }

    @Test
    void pinsAreNormalisedWhateverTheirSpelling() {
        String hex = "ab".repeat(32);
        CertificateCheck check = CertificateCheck.pinnedOnly(hex.toUpperCase(java.util.Locale.ROOT).replaceAll("(..)(?!$)", "$1:"));
        assertThat(check.pinAllows(hex)).isTrue();
        assertThat(check.pinAllows("cd".repeat(32))).isFalse();
        assertThatThrownBy(() -> CertificateCheck.pinnedOnly("abcd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateCheck.pinnedOnly("zz".repeat(32))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHostnameCheckWithoutAChainCheckIsRefused() {
        assertThatThrownBy(() -> new CertificateCheck(false, true, Set.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsAreTheSafeOnes() {
        ClientConfig client = ClientConfig.builder("mail.example.test").build();
        assertThat(client.policy()).isEqualTo(TlsPolicy.REQUIRED);
        assertThat(client.tlsFloor()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(client.certificateCheck()).isEqualTo(CertificateCheck.standard());
        assertThat(TlsVersion.TLS_1_2.admits("TLSv1.1")).isFalse();
        assertThat(TlsVersion.TLS_1_2.admits("SSLv3")).isFalse();
        assertThat(TlsVersion.TLS_1_2.admits("TLSv1.3")).isTrue();
        // A server without a certificate builds (it may never reach TLS) and says what is missing when it does.
        assertThatThrownBy(() -> ServerConfig.builder().build().engineFactory().create("h", 25))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no certificate");
        assertThatThrownBy(() -> ClientConfig.builder("a").clientName("two words")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientConfig.builder("a\r\nRCPT")).isInstanceOf(IllegalArgumentException.class);
    }
}
