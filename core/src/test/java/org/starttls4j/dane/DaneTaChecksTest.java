package org.starttls4j.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateProblem;
import org.starttls4j.testing.DelegatingCertificate;

/**
 * The checks {@link DaneVerifier} makes below a DANE-TA anchor (RFC 7672 §3.2), each on a chain
 * made for it here: the reference identifiers are read from DNS subject alternative names only,
 * the subject CN only when there are none; validity is judged at the time given, not the clock's;
 * a bare issuer key (2 1 0) anchors only the chain it signed.
 */
class DaneTaChecksTest {

    static final String MX = "mx.example.test";
    static final Set<String> NAMES = Set.of(MX);
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final KeyPair CA_KEYS = keys();
    static final X500Name CA_NAME = new X500Name("CN=DANE-TA test issuer");
    static final X509Certificate CA = certificate(CA_NAME, CA_KEYS, null, true, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));

    static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for {@code subject} signed by the test issuer (or by itself when it is the issuer). */
    static X509Certificate certificate(X500Name subject, KeyPair subjectKeys, GeneralNames alternatives, boolean ca,
                                       Instant from, Instant until) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca ? subject : CA_NAME,
                    BigInteger.valueOf(System.nanoTime()), Date.from(from), Date.from(until), subject, subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (alternatives != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternatives);
            }
            KeyPair signer = ca ? subjectKeys : CA_KEYS;
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue " + subject, e);
        }
    }

    static X509Certificate leaf(String subject, GeneralName... alternatives) {
        return certificate(new X500Name(subject), keys(), alternatives.length == 0 ? null : new GeneralNames(alternatives), false,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
    }

    static Tlsa issuerRecord() {
        return new Tlsa(Tlsa.DANE_TA, Tlsa.SPKI, Tlsa.FULL, CA.getPublicKey().getEncoded());
    }

    static DaneVerdict verify(X509Certificate leaf, Instant at) {
        return DaneVerifier.verify(List.of(issuerRecord()), NAMES, List.of(leaf, CA), at);
    }

    static CertificateProblem problem(DaneVerdict verdict) {
        assertThat(verdict).isInstanceOf(DaneVerdict.Rejected.class);
        return ((DaneVerdict.Rejected) verdict).problem();
    }

    @Test
    void aLeafWithoutAlternativeNamesIsNamedByItsCommonName() {
        assertThat(verify(leaf("CN=" + MX), NOW)).isInstanceOf(DaneVerdict.Authenticated.class);
        assertThat(problem(verify(leaf("CN=other.example.test"), NOW))).isEqualTo(CertificateProblem.HOST_MISMATCH);
    }

    @Test
    void aLeafWithDnsAlternativeNamesIsNeverNamedByItsCommonName() {
        X509Certificate leaf = leaf("CN=" + MX, new GeneralName(GeneralName.dNSName, "other.example.test"));

        assertThat(problem(verify(leaf, NOW))).isEqualTo(CertificateProblem.HOST_MISMATCH);
    }

    @Test
    void onlyDnsAlternativeNamesCountNotOtherKindsThatSpellTheName() {
        X509Certificate byEmail = leaf("CN=nobody", new GeneralName(GeneralName.rfc822Name, MX),
                new GeneralName(GeneralName.uniformResourceIdentifier, MX));
        X509Certificate byDns = leaf("CN=nobody", new GeneralName(GeneralName.rfc822Name, "postmaster@" + MX),
                new GeneralName(GeneralName.dNSName, MX));

        assertThat(problem(verify(byEmail, NOW))).isEqualTo(CertificateProblem.HOST_MISMATCH);
        assertThat(verify(byDns, NOW)).isInstanceOf(DaneVerdict.Authenticated.class);
    }

    @Test
    void validityIsJudgedAtTheTimeGivenNotTheClocks() {
        X509Certificate leaf = leaf("CN=" + MX, new GeneralName(GeneralName.dNSName, MX));

        assertThat(verify(leaf, NOW)).isInstanceOf(DaneVerdict.Authenticated.class);
        assertThat(problem(verify(leaf, NOW.plus(Duration.ofDays(60))))).isEqualTo(CertificateProblem.EXPIRED);
        assertThat(problem(verify(leaf, NOW.minus(Duration.ofDays(10))))).isEqualTo(CertificateProblem.NOT_YET_VALID);
    }

    @Test
    void aBareIssuerKeyThatDidNotSignTheTopCertificateDoesNotMatchAtAll() {
        X509Certificate leaf = leaf("CN=" + MX, new GeneralName(GeneralName.dNSName, MX));
        Tlsa stranger = new Tlsa(Tlsa.DANE_TA, Tlsa.SPKI, Tlsa.FULL, keys().getPublic().getEncoded());

        DaneVerdict verdict = DaneVerifier.verify(List.of(stranger), NAMES, List.of(leaf), NOW);

        // Not "matched but the chain does not validate": the key never matched anything.
        assertThat(problem(verdict)).isEqualTo(CertificateProblem.DANE_MISMATCH);
        assertThat(DaneVerifier.verify(List.of(issuerRecord()), NAMES, List.of(leaf), NOW)).isInstanceOf(DaneVerdict.Authenticated.class);
    }

    @Test
    void anEscapedCommaInsideTheCommonNameStaysInTheName() {
        assertThat(DaneVerifier.commonNames(new X500Principal("CN=mx\\,evil.example.test"))).containsExactly("mx,evil.example.test");
        assertThat(DaneVerifier.commonNames(new X500Principal("CN=a\\+b.test+O=x"))).containsExactly("a+b.test");
    }

    @Test
    void namesThatAreEmptyOrNotHostNamesNeverMatch() {
        assertThat(DaneVerifier.nameMatches("", "")).isFalse();
        assertThat(DaneVerifier.nameMatches(".", ".")).isFalse();
        assertThat(DaneVerifier.nameMatches("*.example.test", ".example.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("*mx.example.test", "*mx.example.test")).isFalse();
    }

    @Test
    void aWildcardCoversOneWholeLabelAndHasNoSecondStar() {
        assertThat(DaneVerifier.nameMatches("*.example.test", "mx.example.test")).isTrue();
        assertThat(DaneVerifier.nameMatches("*.example.test", "a.mx.example.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("*.*.test", "mx.example.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("*.ex*ample.test", "mx.ex*ample.test")).isFalse();
    }

    @Test
    void aCertificateThatCannotBeEncodedMatchesNoRecord() {
        X509Certificate leaf = leaf("CN=" + MX, new GeneralName(GeneralName.dNSName, MX));
        X509Certificate unencodable = new DelegatingCertificate(leaf) {
            private static final long serialVersionUID = 1L;

            @Override
            public byte[] getEncoded() throws CertificateEncodingException {
                throw new CertificateEncodingException("a provider's failure");
            }
        };
        X509Certificate keyWithoutEncoding = new DelegatingCertificate(leaf) {
            private static final long serialVersionUID = 1L;

            @Override
            public PublicKey getPublicKey() {
                return new UnencodedKey(leaf.getPublicKey());
            }
        };
        Tlsa wholeCertificate = new Tlsa(Tlsa.DANE_EE, Tlsa.CERT, Tlsa.FULL, encoded(leaf));
        Tlsa key = new Tlsa(Tlsa.DANE_EE, Tlsa.SPKI, Tlsa.FULL, leaf.getPublicKey().getEncoded());

        assertThat(DaneVerifier.matches(wholeCertificate, leaf)).isTrue();
        assertThat(DaneVerifier.matches(key, leaf)).isTrue();
        assertThat(DaneVerifier.matches(wholeCertificate, unencodable)).isFalse();
        assertThat(DaneVerifier.matches(key, keyWithoutEncoding)).isFalse();
    }

    @Test
    void alternativeNamesThatCannotBeReadNameNothing() {
        X509Certificate leaf = leaf("CN=" + MX);
        X509Certificate unreadable = new DelegatingCertificate(leaf) {
            private static final long serialVersionUID = 1L;

            @Override
            public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
                throw new CertificateParsingException("garbled extension");
            }
        };

        assertThat(DaneVerifier.carriesName(leaf, NAMES)).as("by its common name").isTrue();
        assertThat(DaneVerifier.carriesName(unreadable, NAMES)).isFalse();
    }

    @Test
    void aChainBelowTheAnchorThatCannotBeValidatedIsRejectedNotThrown() {
        X509Certificate leaf = leaf("CN=" + MX, new GeneralName(GeneralName.dNSName, MX));
        X509Certificate unencodable = new DelegatingCertificate(leaf) {
            private static final long serialVersionUID = 1L;

            @Override
            public byte[] getEncoded() throws CertificateEncodingException {
                throw new CertificateEncodingException("a provider's failure");
            }
        };

        DaneVerdict verdict = DaneVerifier.verify(List.of(issuerRecord()), NAMES, List.of(unencodable, CA), NOW);

        assertThat(verdict).isInstanceOf(DaneVerdict.Rejected.class);
        assertThat(problem(verdict)).isNotNull();
    }

    @Test
    void aTimeNoDateCanHoldIsRejectedNotThrown() {
        X509Certificate leaf = leaf("CN=" + MX, new GeneralName(GeneralName.dNSName, MX));

        assertThat(problem(verify(leaf, Instant.MAX))).isEqualTo(CertificateProblem.OTHER);
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key from a provider that cannot encode it. */
    private record UnencodedKey(PublicKey inner) implements PublicKey {
        private static final long serialVersionUID = 1L;

        @Override
        public String getAlgorithm() {
            return inner.getAlgorithm();
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }
}
