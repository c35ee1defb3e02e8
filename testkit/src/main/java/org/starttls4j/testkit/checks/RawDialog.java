package org.starttls4j.testkit.checks;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.internal.TrustAnything;

/**
 * A deliberately naive client: it writes exactly the bytes it is told to (pipelining included,
 * which a real client must not do) and reads one byte at a time, so that nothing past a go-ahead
 * is read in plaintext and the socket can then carry TLS. Replies are bounded: 8 KiB a line,
 * 1,000 lines a reply.
 */
final class RawDialog implements AutoCloseable {

    private static final int MAX_LINE = 8192;
    private static final int MAX_LINES = 1000;

    private final MailProtocol protocol;
    private final String serverName;
    private final String clientName;
    private final Socket socket;
    private Socket current;
    private InputStream in;
    private OutputStream out;
    private int tag;

    private RawDialog(MailProtocol protocol, String serverName, String clientName, Socket socket) throws IOException {
        this.protocol = protocol;
        this.serverName = serverName;
        this.clientName = clientName;
        this.socket = socket;
        this.current = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawDialog open(MailProtocol protocol, InetAddress source, InetSocketAddress address, String serverName, String clientName,
                          Duration timeout) throws IOException {
        Socket socket = connect(source, address, timeout);
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return new RawDialog(protocol, serverName, clientName, socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A plain connection to {@code address} from {@code source} (any local address when null). */
    static Socket connect(InetAddress source, InetSocketAddress address, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.connect(address, (int) timeout.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Whether this connection comes from the server's own address, which some servers (Dovecot) count as secure. */
    boolean fromServersOwnAddress() {
        return socket.getLocalAddress().equals(socket.getInetAddress());
    }

    Socket socket() {
        return current;
    }

    /** The next IMAP tag: {@code K1}, {@code K2}, … */
    String nextTag() {
        return "A" + ++tag;
    }

    /** The tag {@link #nextTag()} will give, without taking it. */
    String peekTag(int ahead) {
        return "A" + (tag + ahead);
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The greeting (SMTP, LMTP: a whole reply; ManageSieve: the capabilities and OK; the others: one line). */
    List<String> greeting() throws IOException {
        return switch (protocol) {
            case SMTP, LMTP -> smtpReply();
            case SIEVE -> sieveResponse();
            default -> List.of(line());
        };
    }

    /** Asks for the capabilities (EHLO, CAPABILITY, CAPA). */
    List<String> capabilities() throws IOException {
        return switch (protocol) {
            case SMTP -> command("EHLO " + clientName);
            case LMTP -> command("LHLO " + clientName);
            case IMAP, SIEVE -> command("CAPABILITY");
            case NNTP -> {
                write("CAPABILITIES\r\n");
                String first = line();
                List<String> lines = new ArrayList<>(List.of(first));
                if (first.startsWith("101")) {
                    lines.addAll(pop3List());
                }
                yield lines;
            }
            case POP3 -> {
                write("CAPA\r\n");
                String first = line();
                List<String> lines = new ArrayList<>(List.of(first));
                if (first.startsWith("+OK")) {
                    lines.addAll(pop3List());
                }
                yield lines;
            }
        };
    }

    /** Sends a command (IMAP: with the next tag) and reads its whole reply. */
    List<String> command(String command) throws IOException {
        return switch (protocol) {
            case SMTP, LMTP -> {
                write(command + "\r\n");
                yield smtpReply();
            }
            case IMAP -> {
                String t = nextTag();
                write(t + " " + command + "\r\n");
                yield imapUntilTagged(t);
            }
            case SIEVE -> {
                write(command + "\r\n");
                yield sieveResponse();
            }
            case POP3, NNTP -> {
                write(command + "\r\n");
                yield List.of(line());
            }
        };
    }

    /** Sends STARTTLS (STLS) with {@code extra} in the same write, and reads its answer. */
    List<String> startTls(String extra) throws IOException {
        String word = protocol.startTlsCommand();
        return switch (protocol) {
            case IMAP -> {
                String t = nextTag();
                write(t + " " + word + "\r\n" + extra);
                yield imapUntilTagged(t);
            }
            case SMTP, LMTP -> {
                write(word + "\r\n" + extra);
                yield smtpReply();
            }
            case SIEVE -> {
                write(word + "\r\n" + extra);
                yield sieveResponse();
            }
            case POP3, NNTP -> {
                write(word + "\r\n" + extra);
                yield List.of(line());
            }
        };
    }

    /** Whether a reply's last line says yes: SMTP 2xx, IMAP tagged OK, POP3 +OK (or an IMAP/SMTP continuation). */
    boolean positive(List<String> reply) {
        String last = reply.get(reply.size() - 1);
        return switch (protocol) {
            case SMTP, LMTP, NNTP -> last.startsWith("2") || last.startsWith("3");
            case IMAP -> last.startsWith("+") || (last.contains(" ") && last.split(" ", 3)[1].equalsIgnoreCase("OK"));
            case POP3 -> last.startsWith("+");
            case SIEVE -> last.toUpperCase(Locale.ROOT).startsWith("OK") || last.startsWith("\"");
        };
    }

    /** Upgrades to TLS, trusting any certificate (the checks are about the dialog), with SNI. */
    SSLSocket upgrade(String... protocols) throws IOException {
        return upgrade(null, protocols);
    }

    /** Upgrades as {@link #upgrade(String...)}, with {@code listener} told of every completed handshake (the first included). */
    SSLSocket upgrade(HandshakeCompletedListener listener, String... protocols) throws IOException {
        SSLSocket tls = (SSLSocket) trustingContext().getSocketFactory().createSocket(socket, serverName, socket.getPort(), true);
        if (protocols.length > 0) {
            tls.setEnabledProtocols(protocols);
        }
        if (listener != null) {
            tls.addHandshakeCompletedListener(listener);
        }
        tls.setSoTimeout(socket.getSoTimeout());
        tls.startHandshake();
        current = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
        if (protocol == MailProtocol.SIEVE) {
            sieveResponse(); // RFC 5804 §2.2: the capabilities again, unasked
        }
        return tls;
    }

    List<String> smtpReply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String line = line();
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return lines;
            }
        }
        throw new IOException("a reply of more than " + MAX_LINES + " lines");
    }

    List<String> imapUntilTagged(String t) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String line = line();
            lines.add(line);
            if (line.regionMatches(true, 0, t + " ", 0, t.length() + 1) || line.startsWith("+")) {
                return lines;
            }
        }
        throw new IOException("a reply of more than " + MAX_LINES + " lines");
    }

    /** A ManageSieve response: lines up to the one that starts with OK, NO or BYE. */
    List<String> sieveResponse() throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String line = line();
            lines.add(line);
            if (isSieveStatus(line)) {
                return lines;
            }
        }
        throw new IOException("a response of more than " + MAX_LINES + " lines");
    }

    static boolean isSieveStatus(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        return upper.startsWith("OK") || upper.startsWith("NO") || upper.startsWith("BYE");
    }

    List<String> pop3List() throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String line = line();
            if (line.equals(".")) {
                return lines;
            }
            lines.add(line);
        }
        throw new IOException("a list of more than " + MAX_LINES + " lines");
    }

    /** Everything until the server closes the connection or stays silent for the socket's timeout. */
    List<String> linesUntilClosed() {
        List<String> lines = new ArrayList<>();
        try {
            while (lines.size() < MAX_LINES) {
                lines.add(line());
            }
        } catch (IOException e) {
            // closed, reset or silent: what arrived is the answer
        }
        return lines;
    }

    String line() throws IOException {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (b == '\n') {
                String text = s.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (s.size() >= MAX_LINE) {
                throw new IOException("a line longer than " + MAX_LINE + " bytes");
            }
            s.write(b);
        }
    }

    /** The protocol's goodbye: QUIT, or LOGOUT with the next tag. */
    String goodbye() {
        return protocol == MailProtocol.IMAP ? nextTag() + " LOGOUT\r\n" : protocol == MailProtocol.SIEVE ? "LOGOUT\r\n" : "QUIT\r\n";
    }

    /** A harmless command (IMAP: with the given tag). */
    String harmless(String imapTag) {
        return protocol == MailProtocol.IMAP ? imapTag + " NOOP\r\n" : "NOOP\r\n";
    }

    static boolean isPop3Status(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        return upper.startsWith("+OK") || upper.startsWith("-ERR");
    }

    @Override
    public void close() {
        try {
            current.close();
        } catch (IOException e) {
            // closing is all that is left
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that is left
        }
    }

    private static SSLContext trustingContext() throws IOException {
        try {
            return TrustAnything.context();
        } catch (GeneralSecurityException e) {
            throw new IOException("no TLS context", e);
        }
    }
}
