package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.starttls4j.testing.CertificateVariants;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.Identity;

/**
 * Two public judgements at their edges: {@link Certificates#weakness} judges the signature of
 * every certificate below the anchor (the leaf's and an intermediate's, not only their keys), and
 * {@link Limits} takes its smallest line length, 16, and nothing below, and every other bound its
 * smallest value.
 */
class BoundsAndSignaturesTest {

    @Test
    void aSha1SignatureOnTheLeafOrAnIntermediateIsAWeakness() {
        Identity leafSha1 = Leaf.rsa("mail.example.test").signedWith("SHA1withRSA").issue();
        assertThat(Certificates.weakness(leafSha1.chain(), CertificateStrength.DEFAULT))
                .hasValueSatisfying(w -> assertThat(w.problem()).isEqualTo(CertificateProblem.WEAK_SIGNATURE));
        assertThat(Certificates.weakness(leafSha1.chain(), CertificateStrength.LEGACY)).isEmpty();

        Identity intermediateSha1 = CertificateVariants.underIntermediate("SHA1withRSA", "mail.example.test");
        assertThat(Certificates.weakness(intermediateSha1.chain(), CertificateStrength.DEFAULT))
                .hasValueSatisfying(w -> assertThat(w.problem()).isEqualTo(CertificateProblem.WEAK_SIGNATURE));
    }

    @Test
    void theShortestLineLengthIsSixteen() {
        assertThat(Limits.DEFAULT.withMaxLineLength(16).maxLineLength()).isEqualTo(16);
        assertThatThrownBy(() -> Limits.DEFAULT.withMaxLineLength(15)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLineLength");
    }

    @Test
    void everyBoundTakesItsSmallestValue() {
        assertThat(Limits.DEFAULT.withMaxHandshakeBytes(1).maxHandshakeBytes()).isEqualTo(1);
        assertThat(Limits.DEFAULT.withMaxCommandsBeforeTls(1).maxCommandsBeforeTls()).isEqualTo(1);
        assertThat(Limits.DEFAULT.withMaxLiteralSize(0).maxLiteralSize()).isZero();
        assertThat(Limits.DEFAULT.withTranscript(0, 0).maxTranscriptLines()).isZero();
        assertThat(Limits.DEFAULT.withTranscript(0, 0).maxTranscriptBytes()).isZero();
        assertThat(Limits.DEFAULT.withMaxPlaintextBytes(Limits.DEFAULT.maxLineLength()).maxPlaintextBytes())
                .isEqualTo(Limits.DEFAULT.maxLineLength());
    }
}
