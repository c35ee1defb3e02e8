package org.starttls4j.probe;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately naive plaintext client for the audit's active checks: it writes exactly the
 * bytes it is told to (pipelining included, which the core never does) and reads replies one byte
 * at a time, so that nothing past a STARTTLS go-ahead is ever read in plaintext and the socket can
 * be handed to a TLS client afterwards.
 */
final class RawDialog implements Closeable {

    private static final int MAX_LINE = 8192;
    private static final int MAX_LINES = 200;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Protocol protocol;
    private int tag;

    private RawDialog(Socket socket, Protocol protocol) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.protocol = protocol;
    }

    /**
     * Connects.
     *
     * @throws UnreachableException when the TCP connect fails
     */
    static RawDialog open(InetSocketAddress address, Protocol protocol, Duration timeout) throws UnreachableException {
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return new RawDialog(socket, protocol);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            throw new UnreachableException(Adapter.describe(address), e);
        }
    }

    Socket socket() {
        return socket;
    }

    /** The next IMAP tag: {@code A1}, {@code A2}, … */
    String nextTag() {
        return "A" + ++tag;
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads the greeting (SMTP and LMTP: a whole reply; ManageSieve: capabilities and OK; the others: one line). */
    List<String> greeting() throws IOException {
        return switch (protocol) {
            case SMTP, LMTP -> smtpReply(in);
            case SIEVE -> sieveResponse(in);
            default -> List.of(line(in));
        };
    }

    /**
     * Asks for the capabilities (EHLO, LHLO, CAPABILITY, CAPA, CAPABILITIES) and returns the
     * reply's lines; ManageSieve announced them in its greeting, so nothing is asked.
     */
    List<String> capabilities(String ehlo) throws IOException {
        switch (protocol) {
            case SMTP:
            case LMTP:
                write((protocol == Protocol.LMTP ? "LHLO " : "EHLO ") + ehlo + "\r\n");
                return smtpReply(in);
            case SIEVE:
                return List.of();
            case NNTP:
                write("CAPABILITIES\r\n");
                String status = line(in);
                List<String> list = new ArrayList<>(List.of(status));
                if (status.startsWith("101")) {
                    list.addAll(pop3List(in));
                }
                return list;
            case IMAP:
                String t = nextTag();
                write(t + " CAPABILITY\r\n");
                return imapUntilTagged(in, t);
            default:
                write("CAPA\r\n");
                String first = line(in);
                List<String> lines = new ArrayList<>(List.of(first));
                if (first.startsWith("+OK")) {
                    lines.addAll(pop3List(in));
                }
                return lines;
        }
    }

    /**
     * Sends STARTTLS/STLS (with {@code extra} in the same write) and reads its answer.
     *
     * @return the answer's lines; positive when {@link #isGoAhead} says so
     */
    List<String> startTls(String extra) throws IOException {
        switch (protocol) {
            case SMTP:
            case LMTP:
                write("STARTTLS\r\n" + extra);
                return smtpReply(in);
            case SIEVE:
                write("STARTTLS\r\n" + extra);
                return sieveResponse(in);
            case NNTP:
                write("STARTTLS\r\n" + extra);
                return List.of(line(in));
            case IMAP:
                String t = nextTag();
                write(t + " STARTTLS\r\n" + extra);
                return imapUntilTagged(in, t);
            default:
                write("STLS\r\n" + extra);
                return List.of(line(in));
        }
    }

    /** Whether {@code reply} (from {@link #startTls}) is the go-ahead. */
    boolean isGoAhead(List<String> reply) {
        String last = reply.get(reply.size() - 1);
        return switch (protocol) {
            case SMTP, LMTP -> last.startsWith("220");
            case IMAP -> last.matches("(?i)A\\d+ OK.*");
            case POP3 -> last.startsWith("+OK");
            case SIEVE -> isSieveStatus(last, "OK");
            case NNTP -> last.startsWith("382");
        };
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left
        }
    }

    // ------------------------------------------------------------------ reading, shared with the TLS side

    /** Reads one line (without CRLF) one byte at a time; bounded. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(line.size() == 0 ? "the server closed the connection"
                        : "the server closed the connection in mid-line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("a line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    /** Reads a whole SMTP reply: lines up to the one whose fourth character is a space. */
    static List<String> smtpReply(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String l = line(in);
            lines.add(l);
            if (l.length() < 4 || l.charAt(3) != '-') {
                return lines;
            }
        }
        throw new IOException("an SMTP reply of more than " + MAX_LINES + " lines");
    }

    /** Reads IMAP lines up to and including the one tagged {@code tag}. */
    static List<String> imapUntilTagged(InputStream in, String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String l = line(in);
            lines.add(l);
            if (l.regionMatches(true, 0, tag + " ", 0, tag.length() + 1)) {
                return lines;
            }
        }
        throw new IOException("more than " + MAX_LINES + " IMAP lines without the tagged response");
    }

    /** Reads a ManageSieve response: lines up to and including its status line (OK, NO or BYE). */
    static List<String> sieveResponse(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String l = line(in);
            lines.add(l);
            if (isSieveStatus(l, "OK") || isSieveStatus(l, "NO") || isSieveStatus(l, "BYE")) {
                return lines;
            }
        }
        throw new IOException("a ManageSieve response of more than " + MAX_LINES + " lines");
    }

    /** Whether {@code line} is a ManageSieve status line with {@code keyword} (in any case). */
    static boolean isSieveStatus(String line, String keyword) {
        return line.regionMatches(true, 0, keyword, 0, keyword.length())
                && (line.length() == keyword.length() || line.charAt(keyword.length()) == ' ');
    }

    /** Reads a POP3 multi-line list after its status line, up to the terminating dot (excluded). */
    static List<String> pop3List(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String l = line(in);
            if (l.equals(".")) {
                return lines;
            }
            lines.add(l);
        }
        throw new IOException("a POP3 list of more than " + MAX_LINES + " lines");
    }
}
