package org.starttls4j.internal.tls;

import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Turns an engine's exception into a {@link TlsFailure} (the root's {@link org.starttls4j.Failure}). Our own trust manager classifies exactly;
 * for other engines the exception types and certificate-path reasons are read first
 * ({@link ClassifyingTrustManager#problemOf}), and the alert names in the message only as a last
 * resort: the JDK reports an unsupported version and a foreign engine's rejection only as text.
 */
public final class HandshakeFailures {

    private HandshakeFailures() {
    }

    /**
     * Classifies a failure during the handshake.
     *
     * @param e the engine's exception
     * @return the failure
     */
    public static TlsFailure classify(SSLException e) {
        return classify(e, false);
    }

    /**
     * Classifies a failure, during the handshake or after it. After the handshake only a
     * certificate rejection (a TLS 1.2 renegotiation) and BoringSSL's own refusal of a
     * renegotiation or of too many KeyUpdates keep their own reasons; anything else is
     * {@link TlsFailure.Kind#SESSION_BROKEN}, whatever its message says.
     *
     * @param e              the engine's exception
     * @param afterHandshake whether the handshake had completed
     * @return the failure
     */
    public static TlsFailure classify(SSLException e, boolean afterHandshake) {
        String message = describe(e);
        Optional<RejectedCertificateException> rejected = cause(e, RejectedCertificateException.class);
        if (rejected.isPresent()) {
            return TlsFailure.certificate(rejected.get().problem(), message, rejected.get().subject());
        }
        Problem typed = ClassifyingTrustManager.problemOf(e);
        if (typed != null) {
            return TlsFailure.certificate(typed, message, Optional.empty());
        }
        String text = allMessages(e).toLowerCase(Locale.ROOT);
        if (afterHandshake) {
            return TlsFailure.of(refusedByBoringSsl(text) ? TlsFailure.Kind.RENEGOTIATION_REFUSED : TlsFailure.Kind.SESSION_BROKEN, message);
        }
        if (text.contains("no subject alternative") || text.contains("no name matching")) {
            return TlsFailure.certificate(Problem.HOST_MISMATCH, message, Optional.empty());
        }
        if (text.contains("extended key usage") || text.contains("keyusage")) {
            return TlsFailure.certificate(Problem.WRONG_PURPOSE, message, Optional.empty());
        }
        if (cause(e, CertificateException.class).isPresent()
                || text.contains("pkix path") || text.contains("certificate_unknown") || text.contains("bad_certificate")) {
            return TlsFailure.certificate(Problem.NOT_TRUSTED, message, Optional.empty());
        }
        if (text.contains("protocol_version") || text.contains("protocol version")
                || text.contains("no appropriate protocol") || text.contains("not accepted by")
                || text.contains("unsupported protocol")
                // BoringSSL's (Netty's OpenSSL engine) error name for a peer offering no version it accepts
                || text.contains(":unsupported_protocol")
                // the JDK server's words for a client that offers only older versions, without supported_versions
                || text.contains("client requested protocol")) {
            return TlsFailure.of(TlsFailure.Kind.VERSION_TOO_OLD, message);
        }
        return TlsFailure.of(TlsFailure.Kind.HANDSHAKE_FAILED, message);
    }

    /**
     * Whether a BoringSSL engine (Netty's) ended the session itself for what the core refuses after
     * the handshake: a TLS 1.2 renegotiation ({@code NO_RENEGOTIATION}, and Netty's own check for a
     * second one) or a run of TLS 1.3 KeyUpdates ({@code TOO_MANY_KEY_UPDATES}). Its exceptions
     * carry BoringSSL's error names only as text.
     */
    private static boolean refusedByBoringSsl(String text) {
        return text.contains(":no_renegotiation") || text.contains(":too_many_key_updates")
                || text.contains("remote-initiated renegotiation not allowed");
    }

    private static String describe(SSLException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String allMessages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        return all.toString();
    }

    private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
