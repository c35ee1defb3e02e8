package org.starttls4j.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A line-at-a-time test client: plaintext first, then TLS on the same socket when asked. */
final class TlsLines implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private TlsLines(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(20_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static TlsLines plain(int port) throws IOException {
        return new TlsLines(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    static TlsLines implicit(int port) throws IOException {
        TlsLines c = plain(port);
        c.startTls();
        return c;
    }

    /** Puts TLS on the connection (any certificate is accepted: the tests here are about the dialog). */
    void startTls() throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, Servers.NAME, socket.getPort(), true);
            tls.startHandshake();
            socket = tls;
            in = tls.getInputStream();
            out = tls.getOutputStream();
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    String line() throws IOException {
        return RawDialog.line(in);
    }

    List<String> smtp() throws IOException {
        return RawDialog.smtpReply(in);
    }

    List<String> imap(String tag) throws IOException {
        return RawDialog.imapUntilTagged(in, tag);
    }

    /** Reads a POP3 list up to its terminating dot. */
    List<String> pop3List() throws IOException {
        return RawDialog.pop3List(in);
    }

    /** Sends an SMTP command and returns the last line of its reply. */
    String smtp(String command) throws IOException {
        send(command);
        List<String> reply = smtp();
        return reply.get(reply.size() - 1);
    }

    /** Sends an IMAP command and returns all lines up to its tagged response. */
    List<String> imap(String tag, String command) throws IOException {
        send(tag + " " + command);
        return imap(tag);
    }

    /** Sends a POP3 command and returns its status line. */
    String pop3(String command) throws IOException {
        send(command);
        return line();
    }

    /** Whether the server closed the connection (reads to the end). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
