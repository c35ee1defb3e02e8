package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAParams;
import java.security.interfaces.DSAPublicKey;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.CertificateVariants;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.DelegatingCertificate;

/**
 * The strength floor over a chain: the size of every key by its family, the digest of every
 * signature below the trust anchor except a self-issued certificate's, and nothing above the anchor.
 */
class CertificateStrengthsTest {

    private static final StrengthFloor SHA1_ALLOWED = new StrengthFloor(2048, 256, true);

    private static Optional<CertificateStrengths.Weakness> judge(List<X509Certificate> chain, StrengthFloor floor) {
        return CertificateStrengths.weakness(chain, floor, c -> false);
    }

    private static X509Certificate leaf(Leaf leaf) {
        return leaf.issue().leaf();
    }

    @Test
    void keySizesAreMeasuredByFamily() throws Exception {
        assertThat(CertificateStrengths.keyBits(leaf(Leaf.rsa("m.test")).getPublicKey())).isEqualTo(2048);
        assertThat(CertificateStrengths.keyBits(leaf(Leaf.rsa("m.test").withKey("EC-256")).getPublicKey())).isEqualTo(256);
        assertThat(CertificateStrengths.keyBits(leaf(Leaf.rsa("m.test").withKey("EC-384")).getPublicKey())).isEqualTo(384);
        assertThat(CertificateStrengths.keyBits(leaf(Leaf.rsa("m.test").withKey("DSA-1024")).getPublicKey())).isEqualTo(1024);
        assertThat(CertificateStrengths.keyBits(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()))
                .as("a size fixed by the algorithm").isZero();
        assertThat(CertificateStrengths.keyBits(new InheritedParametersDsaKey())).as("DSA parameters from the issuer").isZero();
        assertThat(CertificateStrengths.keyDescription(leaf(Leaf.rsa("m.test").withKey("EC-384")).getPublicKey()))
                .isEqualTo("EC 384-bit");
    }

    @Test
    void eachFamilyIsHeldToItsOwnFloor() {
        StrengthFloor strictEc = new StrengthFloor(2048, 384, false);

        assertThat(judge(List.of(leaf(Leaf.rsa("m.test").withKey("EC-256"))), StrengthFloor.DEFAULT)).isEmpty();
        assertThat(judge(List.of(leaf(Leaf.rsa("m.test").withKey("EC-256"))), strictEc))
                .map(CertificateStrengths.Weakness::problem).contains(Problem.WEAK_KEY);
        assertThat(judge(List.of(leaf(Leaf.rsa("m.test").withKey("EC-384"))), strictEc)).isEmpty();
        assertThat(judge(List.of(leaf(Leaf.rsa("m.test").withKey("RSA-2048"))), strictEc)).as("exactly the floor").isEmpty();
        assertThat(judge(List.of(leaf(Leaf.rsa("m.test").withKey("RSA-1024"))), strictEc))
                .map(CertificateStrengths.Weakness::problem).contains(Problem.WEAK_KEY);
        assertThat(judge(List.of(leaf(Leaf.rsa("m.test").withKey("DSA-1024"))), StrengthFloor.DEFAULT))
                .as("DSA is held to the RSA floor").map(CertificateStrengths.Weakness::problem).contains(Problem.WEAK_KEY);
        assertThat(judge(List.of(leaf(Leaf.rsa("m.test").withKey("DSA-2048"))), StrengthFloor.DEFAULT)).isEmpty();
        assertThat(judge(List.of(leaf(Leaf.rsa("m.test").withKey("Ed25519"))), new StrengthFloor(4096, 521, false)))
                .as("no size to judge").isEmpty();
    }

    @Test
    void aKeyWhoseSizeIsUnknownIsNotCalledWeak() {
        X509Certificate inherited = new DelegatingCertificate(leaf(Leaf.rsa("m.test"))) {
            @Override
            public PublicKey getPublicKey() {
                return new InheritedParametersDsaKey();
            }

            @Override
            public byte[] getEncoded() throws CertificateEncodingException {
                throw new CertificateEncodingException("not read from the encoding: the key above is judged");
            }
        };

        assertThat(judge(List.of(inherited), StrengthFloor.DEFAULT)).isEmpty();
    }

    @Test
    void theWeaknessNamesTheCertificate() {
        assertThat(judge(List.of(leaf(Leaf.rsa("weak.example.test").withKey("RSA-1024"))), StrengthFloor.DEFAULT))
                .hasValueSatisfying(w -> assertThat(w.message()).contains("CN=weak.example.test").contains("RSA 1024-bit")
                        .contains("2048"));
        assertThat(judge(List.of(leaf(Leaf.rsa("sha1.example.test").signedWith("SHA1withRSA"))), StrengthFloor.DEFAULT))
                .hasValueSatisfying(w -> assertThat(w.message()).contains("CN=sha1.example.test").contains("SHA1withRSA"));
    }

    @Test
    void md5AndMd2AreWeakEvenWhereSha1IsAllowed() {
        assertThat(CertificateStrengths.weakSignature("MD5withRSA", SHA1_ALLOWED)).isTrue();
        assertThat(CertificateStrengths.weakSignature("md2WithRSA", SHA1_ALLOWED)).isTrue();
        assertThat(CertificateStrengths.weakSignature("SHA1withRSA", SHA1_ALLOWED)).isFalse();
        assertThat(CertificateStrengths.weakSignature("SHA1withRSA", StrengthFloor.DEFAULT)).isTrue();
        assertThat(CertificateStrengths.weakSignature("SHA256withRSA", StrengthFloor.DEFAULT)).isFalse();
    }

    @Test
    void everySignatureBelowTheAnchorIsJudgedNotOnlyTheLeafs() {
        List<X509Certificate> sent = CertificateVariants.underIntermediate("SHA1withRSA", "mail.example.test").chain();

        assertThat(judge(sent, StrengthFloor.DEFAULT)).as("the intermediate's SHA-1")
                .map(CertificateStrengths.Weakness::problem).contains(Problem.WEAK_SIGNATURE);
        assertThat(CertificateStrengths.weakness(sent, StrengthFloor.DEFAULT, sent.get(1)::equals))
                .as("the intermediate is the anchor").isEmpty();
    }

    @Test
    void nothingAboveTheAnchorIsJudged() {
        X509Certificate leaf = leaf(Leaf.rsa("mail.example.test"));
        X509Certificate anchor = leaf(Leaf.rsa("anchor.example.test"));
        X509Certificate weakAbove = leaf(Leaf.rsa("above.example.test").withKey("RSA-1024"));

        assertThat(CertificateStrengths.weakness(List.of(leaf, anchor, weakAbove), StrengthFloor.DEFAULT, anchor::equals)).isEmpty();
        assertThat(judge(List.of(leaf, anchor, weakAbove), StrengthFloor.DEFAULT))
                .map(CertificateStrengths.Weakness::problem).contains(Problem.WEAK_KEY);
    }

    @Test
    void aSelfIssuedCertificatesSignatureIsNotJudged() {
        X509Certificate root = CertificateVariants.selfSigned("SHA1withRSA");

        assertThat(judge(List.of(leaf(Leaf.rsa("mail.example.test")), root), StrengthFloor.DEFAULT)).isEmpty();
    }

    /** A DSA key whose parameters come from its issuer's certificate (RFC 3279 §2.3.2): no size of its own. */
    private static final class InheritedParametersDsaKey implements DSAPublicKey {
        private static final long serialVersionUID = 1L;

        @Override
        public BigInteger getY() {
            return BigInteger.TWO;
        }

        @Override
        public DSAParams getParams() {
            return null;
        }

        @Override
        public String getAlgorithm() {
            return "DSA";
        }

        @Override
        public String getFormat() {
            return "X.509";
        }

        @Override
        public byte[] getEncoded() {
            return new byte[0];
        }
    }
}
