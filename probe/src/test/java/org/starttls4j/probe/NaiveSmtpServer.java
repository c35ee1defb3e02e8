package org.starttls4j.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * A test double: a hand-written SMTP server of the kind the command-injection check exists for.
 * It announces AUTH before TLS, and it reads commands through its own buffer; when
 * {@code actsOnPipelinedPlaintext} is set it keeps whatever was buffered after {@code STARTTLS}
 * and answers it inside TLS (the CVE-2011-0411 bug), otherwise it discards it (the fix).
 *
 * <p>With {@code legacyTls} it speaks TLS 1.0 and 1.1 only, through BouncyCastle's low-level API
 * (the JDK cannot be made to), like a server nobody has touched for a decade.
 *
 * <p>With {@code answersSecondStartTls} it says 220 to STARTTLS inside TLS too (and then goes on
 * inside the same TLS session), as a server that never tracks whether TLS is already up.
 *
 * <p>To make the bug deterministic, on {@code STARTTLS} with nothing buffered it waits up to
 * 300 ms for pipelined bytes before answering 220: a client that does not pipeline sends nothing
 * until it has read the 220, so anything read then was pipelined.
 */
final class NaiveSmtpServer implements AutoCloseable {

    private final ServerSocket listener;
    private final boolean actsOnPipelinedPlaintext;
    private final boolean legacyTls;
    private final boolean answersSecondStartTls;
    private final Thread acceptor;

    private NaiveSmtpServer(ServerSocket listener, boolean actsOnPipelinedPlaintext, boolean legacyTls, boolean answersSecondStartTls) {
        this.listener = listener;
        this.actsOnPipelinedPlaintext = actsOnPipelinedPlaintext;
        this.legacyTls = legacyTls;
        this.answersSecondStartTls = answersSecondStartTls;
        this.acceptor = new Thread(this::accept, "naive-smtp");
        this.acceptor.setDaemon(true);
    }

    static NaiveSmtpServer start(boolean actsOnPipelinedPlaintext) throws IOException {
        return start(actsOnPipelinedPlaintext, false);
    }

    static NaiveSmtpServer start(boolean actsOnPipelinedPlaintext, boolean legacyTls) throws IOException {
        return start(actsOnPipelinedPlaintext, legacyTls, false);
    }

    /** The fixed server (no injection, modern TLS) that nevertheless answers a second STARTTLS with 220. */
    static NaiveSmtpServer answeringSecondStartTls() throws IOException {
        return start(false, false, true);
    }

    private static NaiveSmtpServer start(boolean actsOnPipelinedPlaintext, boolean legacyTls, boolean answersSecondStartTls)
            throws IOException {
        NaiveSmtpServer server = new NaiveSmtpServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                actsOnPipelinedPlaintext, legacyTls, answersSecondStartTls);
        server.acceptor.start();
        return server;
    }

    String url() {
        return "smtp://127.0.0.1:" + listener.getLocalPort();
    }

    String submissionUrl() {
        return "submission://127.0.0.1:" + listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread t = new Thread(() -> serve(socket), "naive-smtp-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Lines from a stream, through a buffer of our own (the part that goes wrong). */
    private static final class Lines {
        InputStream in;
        final ByteArrayOutputStream buffered = new ByteArrayOutputStream();

        Lines(InputStream in) {
            this.in = in;
        }

        boolean fill() throws IOException {
            byte[] chunk = new byte[4096];
            int n = in.read(chunk);
            if (n < 0) {
                return false;
            }
            buffered.write(chunk, 0, n);
            return true;
        }

        /** The next buffered line, or null when no whole line is buffered. */
        String buffered() {
            byte[] all = buffered.toByteArray();
            for (int i = 0; i < all.length; i++) {
                if (all[i] == '\n') {
                    buffered.reset();
                    buffered.write(all, i + 1, all.length - i - 1);
                    int end = i > 0 && all[i - 1] == '\r' ? i - 1 : i;
                    return new String(all, 0, end, StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        String next() throws IOException {
            while (true) {
                String line = buffered();
                if (line != null) {
                    return line;
                }
                if (!fill()) {
                    return null;
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            Lines lines = new Lines(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            boolean tls = false;
            write(out, "220 naive.example.test ESMTP naive\r\n");
            String line;
            while ((line = lines.next()) != null) {
                String verb = line.split(" ")[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> write(out, tls ? "250-naive.example.test\r\n250 AUTH PLAIN LOGIN\r\n"
                            : "250-naive.example.test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n");
                    case "NOOP", "RSET" -> write(out, "250 2.0.0 OK\r\n");
                    case "MAIL" -> write(out, "250 2.1.0 OK\r\n");
                    case "QUIT" -> {
                        write(out, "221 2.0.0 Bye\r\n");
                        return;
                    }
                    case "STARTTLS" -> {
                        if (tls) {
                            write(out, answersSecondStartTls ? "220 2.0.0 Ready to start TLS\r\n" : "503 5.5.1 TLS already active\r\n");
                            continue;
                        }
                        if (lines.buffered.size() == 0) {
                            socket.setSoTimeout(300);
                            try {
                                lines.fill();
                            } catch (SocketTimeoutException nothingPipelined) {
                                // the client waits for our 220, as it should
                            }
                            socket.setSoTimeout(0);
                        }
                        write(out, "220 2.0.0 Ready to start TLS\r\n");
                        tls = true;
                        if (legacyTls) {
                            TlsServerProtocol secure = new TlsServerProtocol(socket.getInputStream(), socket.getOutputStream());
                            secure.accept(new LegacyServer());
                            out = secure.getOutputStream();
                            lines.in = secure.getInputStream();
                        } else {
                            SSLSocket secure = (SSLSocket) Servers.identity().serverContext().getSocketFactory()
                                    .createSocket(socket, null, socket.getPort(), false);
                            secure.setUseClientMode(false);
                            secure.startHandshake();
                            out = secure.getOutputStream();
                            lines.in = secure.getInputStream();
                        }
                        if (!actsOnPipelinedPlaintext) {
                            lines.buffered.reset(); // the fix: forget what came before TLS
                        }
                    }
                    default -> write(out, "500 5.5.2 Command not recognized\r\n");
                }
            }
        } catch (IOException e) {
            // the client went away; a test double need not say more
        }
    }

    /** TLS 1.0 and 1.1 only, with the test certificate (an EC key) and CBC suites, the only kind those versions have. */
    private static final class LegacyServer extends DefaultTlsServer {
        LegacyServer() {
            super(new JcaTlsCryptoProvider().create(new SecureRandom()));
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv11.downTo(ProtocolVersion.TLSv10);
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA});
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            ServerIdentity identity = Servers.identity();
            try {
                Certificate chain = new Certificate(new TlsCertificate[] {
                    getCrypto().createCertificate(identity.leaf().getEncoded())});
                // No signature-and-hash algorithm: TLS 1.0/1.1 fix it (SHA-1 for ECDSA).
                return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (JcaTlsCrypto) getCrypto(),
                        identity.key(), chain, null);
            } catch (CertificateEncodingException e) {
                throw new IOException(e);
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
