package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Which certificate checks accept any certificate at all (only the one that verifies no chain and
 * pins nothing), and the TLS versions known by their JSSE names (none below the floor's choices).
 */
class CertificateCheckAndVersionTest {

    static final String PIN = "ab".repeat(32);

    @Test
    void onlyACheckThatNeitherVerifiesNorPinsAcceptsAnyCertificate() {
        assertThat(CertificateCheck.dangerouslyAcceptAny().acceptsAnyCertificate()).isTrue();
        assertThat(CertificateCheck.standard().acceptsAnyCertificate()).isFalse();
        assertThat(CertificateCheck.pinnedOnly(PIN).acceptsAnyCertificate()).isFalse();
        assertThat(CertificateCheck.standardAndPinned(PIN).acceptsAnyCertificate()).isFalse();
    }

    @Test
    void versionsAreFoundByTheirJsseNamesAndOlderOnesAreNot() {
        assertThat(TlsVersion.fromJsseName("TLSv1.2")).contains(TlsVersion.TLS_1_2);
        assertThat(TlsVersion.fromJsseName("TLSv1.3")).contains(TlsVersion.TLS_1_3);
        assertThat(TlsVersion.fromJsseName("TLSv1.1")).isEmpty();
        assertThat(TlsVersion.fromJsseName("TLSv1")).isEmpty();
        assertThat(TlsVersion.fromJsseName("SSLv3")).isEmpty();
    }

    @Test
    void aPinOfFortyHexDigitsIsRefusedAsASha1FingerprintAndOtherWrongLengthsPlainly() {
        assertThatThrownBy(() -> CertificateCheck.pinnedOnly("ab".repeat(20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("looks like a SHA-1 fingerprint");
        assertThatThrownBy(() -> CertificateCheck.pinnedOnly("ab".repeat(21)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("SHA-1");
    }

    @Test
    void aPinMayComeAsOpenSslPrintsIt() {
        String colons = String.join(":", java.util.Collections.nCopies(32, "AB"));

        assertThat(CertificateCheck.pinnedOnly("sha256 Fingerprint=" + colons).pinAllows(PIN)).isTrue();
        assertThat(CertificateCheck.pinnedOnly("sha256/" + PIN).pinAllows(PIN)).isTrue();
    }
}
