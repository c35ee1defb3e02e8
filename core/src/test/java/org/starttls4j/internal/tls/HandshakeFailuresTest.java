package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Classification reads exception types and certificate-path reasons; the wording of a message
 * never changes the verdict where a type or reason exists.
 */
class HandshakeFailuresTest {

    static SSLHandshakeException wrapping(Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException("some words that vary between JDKs: protocol_version pkix path");
        e.initCause(new CertificateException("more words", cause));
        return e;
    }

    static Problem problem(Throwable cause) {
        return HandshakeFailures.classify(wrapping(cause)).problem().orElseThrow();
    }

    static CertPathValidatorException because(CertPathValidatorException.Reason reason) {
        return new CertPathValidatorException("any text", null, null, -1, reason);
    }

    @Test
    void typesAndReasonsDecide() {
        assertThat(problem(new CertificateExpiredException("x"))).isEqualTo(Problem.EXPIRED);
        assertThat(problem(new CertificateNotYetValidException("x"))).isEqualTo(Problem.NOT_YET_VALID);
        assertThat(problem(because(BasicReason.EXPIRED))).isEqualTo(Problem.EXPIRED);
        assertThat(problem(because(BasicReason.NOT_YET_VALID))).isEqualTo(Problem.NOT_YET_VALID);
        assertThat(problem(because(BasicReason.ALGORITHM_CONSTRAINED))).isEqualTo(Problem.WEAK_SIGNATURE);
        assertThat(problem(because(BasicReason.INVALID_SIGNATURE))).isEqualTo(Problem.NOT_TRUSTED);
        assertThat(problem(because(PKIXReason.INVALID_NAME))).isEqualTo(Problem.NAME_CONSTRAINT_VIOLATION);
        assertThat(problem(because(PKIXReason.INVALID_KEY_USAGE))).isEqualTo(Problem.WRONG_PURPOSE);
        assertThat(problem(because(PKIXReason.NO_TRUST_ANCHOR))).isEqualTo(Problem.NOT_TRUSTED);
        assertThat(problem(new CertPathBuilderException("unable to find valid certification path"))).isEqualTo(Problem.NOT_TRUSTED);
        assertThat(problem(new CertPathBuilderException("no path", because(BasicReason.UNSPECIFIED))))
                .isEqualTo(Problem.NOT_TRUSTED);
        assertThat(problem(new CertPathBuilderException("no path", new CertificateExpiredException("x"))))
                .as("BouncyCastle keeps the expiry below the builder's failure").isEqualTo(Problem.EXPIRED);
    }

    @ParameterizedTest
    @EnumSource(PKIXReason.class)
    void everyPkixReasonNamesAProblem(PKIXReason reason) {
        assertThat(ClassifyingTrustManager.problemOf(because(reason))).isNotNull();
    }

    @Test
    void theJdkServersRefusalOfALegacyClientIsAVersionTooOld() {
        // SunJSSE's ServerHello, for a ClientHello without supported_versions whose version is not enabled
        SSLHandshakeException jdk = new SSLHandshakeException("Client requested protocol TLSv1.1 is not enabled or supported"
                + " in server context");

        assertThat(HandshakeFailures.classify(jdk).kind()).isEqualTo(TlsFailure.Kind.VERSION_TOO_OLD);
    }

    @Test
    void boringSslsRefusalOfALegacyPeerIsAVersionTooOld() {
        // Netty's OpenSSL engine (BoringSSL), as a server facing gnutls-cli limited to TLS 1.1
        SSLHandshakeException boringSsl = new SSLHandshakeException("error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL");

        assertThat(HandshakeFailures.classify(boringSsl).kind()).isEqualTo(TlsFailure.Kind.VERSION_TOO_OLD);
    }

    @Test
    void afterTheHandshakeOnlyACertificateKeepsItsReason() {
        SSLHandshakeException versionWords = new SSLHandshakeException("Received fatal alert: protocol_version");

        assertThat(HandshakeFailures.classify(versionWords).kind()).as("text, the last resort, during the handshake")
                .isEqualTo(TlsFailure.Kind.VERSION_TOO_OLD);
        assertThat(HandshakeFailures.classify(versionWords, true).kind()).isEqualTo(TlsFailure.Kind.SESSION_BROKEN);
        assertThat(HandshakeFailures.classify(wrapping(because(BasicReason.EXPIRED)), true).problem())
                .contains(Problem.EXPIRED);
        assertThat(HandshakeFailures.classify(new SSLHandshakeException("anything")).kind())
                .isEqualTo(TlsFailure.Kind.HANDSHAKE_FAILED);
    }

    /** The messages of Netty's BoringSSL engine, as seen over loopback (BoringSslPostHandshakeTest in the Netty adapter). */
    @ParameterizedTest
    @ValueSource(strings = {
        "io.netty.handler.ssl.ReferenceCountedOpenSslEngine$OpenSslException: error:100000b6:SSL routines:OPENSSL_internal:NO_RENEGOTIATION",
        "io.netty.handler.ssl.ReferenceCountedOpenSslEngine$OpenSslException: error:10000104:SSL routines:OPENSSL_internal:TOO_MANY_KEY_UPDATES",
        "remote-initiated renegotiation not allowed"})
    void afterTheHandshakeBoringSslsOwnRefusalsAreRenegotiationRefused(String message) {
        SSLException refusal = new SSLException(message, new SSLException(message));

        assertThat(HandshakeFailures.classify(refusal, true).kind()).isEqualTo(TlsFailure.Kind.RENEGOTIATION_REFUSED);
        assertThat(HandshakeFailures.classify(new SSLException("error:100000d7:SSL routines:OPENSSL_internal:BAD_DECRYPT"), true)
                .kind()).isEqualTo(TlsFailure.Kind.SESSION_BROKEN);
    }

    @Test
    void aRejectionOfOurOwnTrustManagerKeepsItsProblemAndSubject() {
        RejectedCertificateException ours = new RejectedCertificateException(Problem.WEAK_KEY, "CN=x", "short", null);

        TlsFailure failure = HandshakeFailures.classify(wrapping(ours));

        assertThat(failure.problem()).contains(Problem.WEAK_KEY);
        assertThat(failure.subject()).contains("CN=x");
    }

    @Test
    void aForeignEnginesWordsAreTheLastResortForHostAndPurposeProblems() {
        assertThat(HandshakeFailures.classify(new SSLHandshakeException("No subject alternative DNS name matching mx.example.test found."))
                .problem()).contains(Problem.HOST_MISMATCH);
        assertThat(HandshakeFailures.classify(new SSLHandshakeException("No name matching mx.example.test found")).problem())
                .contains(Problem.HOST_MISMATCH);
        assertThat(HandshakeFailures.classify(new SSLHandshakeException(
                "Extended key usage does not permit use for TLS server authentication")).problem()).contains(Problem.WRONG_PURPOSE);
        assertThat(HandshakeFailures.classify(new SSLHandshakeException("KeyUsage does not allow key encipherment")).problem())
                .contains(Problem.WRONG_PURPOSE);
        SSLHandshakeException general = new SSLHandshakeException("General SSLEngine problem");
        general.initCause(new IllegalStateException("No name matching mx.example.test found"));
        assertThat(HandshakeFailures.classify(general).problem()).as("the words of a cause count too").contains(Problem.HOST_MISMATCH);
    }
}
