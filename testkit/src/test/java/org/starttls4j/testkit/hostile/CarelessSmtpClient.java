package org.starttls4j.testkit.hostile;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.starttls4j.testkit.internal.TrustAnything;

/**
 * An SMTP client with the classic STARTTLS bugs, each behind a switch: the positive controls that
 * prove each finding of the kit fires when a client deserves it.
 */
final class CarelessSmtpClient {

    /** The bugs. */
    enum Bug {
        /** Goes on in plaintext, login and mail included, when STARTTLS is missing or refused. */
        FALLS_BACK_TO_PLAINTEXT,
        /** Reads replies after the handshake from the buffer it filled before it. */
        KEEPS_PLAINTEXT_BUFFER,
        /** Logs in with AUTH PLAIN whatever the server announced inside TLS. */
        TRUSTS_CAPABILITIES_FROM_BEFORE_TLS,
        /** Accepts any certificate. */
        TRUSTS_ANY_CERTIFICATE,
        /** None of the above. */
        NONE,
        /**
         * No bug either: it checks the certificate after the handshake (chain and name) and, refusing
         * it, says QUIT inside TLS before it closes, sending nothing else there.
         */
        VERIFIES_AFTER_HANDSHAKE
    }

    private final Bug bug;
    private final SSLContext trust;
    private final TrustManager[] verifier;
    private InputStream in;
    private OutputStream out;

    CarelessSmtpClient(Bug bug, SSLContext trust) {
        this(bug, trust, new TrustManager[0]);
    }

    /** A client that checks certificates after the handshake ({@link Bug#VERIFIES_AFTER_HANDSHAKE}) with {@code verifier}. */
    CarelessSmtpClient(Bug bug, SSLContext trust, TrustManager[] verifier) {
        this.bug = bug;
        this.trust = trust;
        this.verifier = verifier.clone();
    }

    /** One session: EHLO, STARTTLS, EHLO, AUTH PLAIN, one message, QUIT; ends early where a careful client would. */
    void session(String host, int port) throws Exception {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            BufferedInputStream buffered = new BufferedInputStream(socket.getInputStream());
            in = buffered;
            out = socket.getOutputStream();
            reply();
            List<String> capabilities = command("EHLO careless.example");
            boolean offered = capabilities.stream().anyMatch(l -> l.substring(4).equalsIgnoreCase("STARTTLS"));
            boolean secured = false;
            if (offered) {
                List<String> answer = command("STARTTLS");
                if (answer.get(0).startsWith("220")) {
                    // before the handshake the server sends nothing more: what the buffer holds arrived with the go-ahead
                    byte[] left = new byte[buffered.available()];
                    int n = buffered.read(left, 0, left.length);
                    SSLSocket tls = (SSLSocket) context().getSocketFactory().createSocket(socket, host, port, true);
                    if (bug != Bug.TRUSTS_ANY_CERTIFICATE && bug != Bug.VERIFIES_AFTER_HANDSHAKE) {
                        SSLParameters parameters = tls.getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS");
                        tls.setSSLParameters(parameters);
                    }
                    tls.startHandshake();
                    if (bug == Bug.VERIFIES_AFTER_HANDSHAKE && !verified(tls)) {
                        out = tls.getOutputStream();
                        in = tls.getInputStream();
                        command("QUIT");
                        return;
                    }
                    in = bug == Bug.KEEPS_PLAINTEXT_BUFFER
                            ? new SequenceInputStream(new ByteArrayInputStream(left, 0, Math.max(n, 0)), tls.getInputStream())
                            : tls.getInputStream();
                    out = tls.getOutputStream();
                    capabilities = command("EHLO careless.example");
                    secured = true;
                }
            }
            if (!secured && bug != Bug.FALLS_BACK_TO_PLAINTEXT) {
                command("QUIT");
                return;
            }
            boolean auth = capabilities.stream().anyMatch(l -> l.substring(4).toUpperCase().startsWith("AUTH"));
            if (auth || bug == Bug.TRUSTS_CAPABILITIES_FROM_BEFORE_TLS || !secured) {
                command("AUTH PLAIN " + Base64.getEncoder().encodeToString("\0mallory\0open-sesame".getBytes(StandardCharsets.US_ASCII)));
            }
            command("MAIL FROM:<mallory@example.test>");
            command("RCPT TO:<bob@example.test>");
            command("DATA");
            command("Subject: careless\r\n\r\nhello\r\n.");
            command("QUIT");
        }
    }

    private SSLContext context() throws Exception {
        if (bug != Bug.TRUSTS_ANY_CERTIFICATE && bug != Bug.VERIFIES_AFTER_HANDSHAKE) {
            return trust;
        }
        return TrustAnything.context();
    }

    /** The chain and the name checked after the handshake, as the trust managers given would have in it. */
    private boolean verified(SSLSocket tls) throws Exception {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        X509Certificate[] chain = (X509Certificate[]) tls.getSession().getPeerCertificates();
        try {
            ((X509ExtendedTrustManager) verifier[0]).checkServerTrusted(chain, "UNKNOWN", tls);
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    private List<String> command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return reply();
    }

    private List<String> reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return lines;
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                s.write(b);
            }
        }
        return s.toString(StandardCharsets.ISO_8859_1);
    }
}
