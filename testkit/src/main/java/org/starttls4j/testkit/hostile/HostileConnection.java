package org.starttls4j.testkit.hostile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.starttls4j.testkit.CertificateKind;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;
import org.starttls4j.testkit.ThrowawayPki;
import org.starttls4j.testkit.internal.Conversation;
import org.starttls4j.testkit.internal.ConversationLoop;
import org.starttls4j.testkit.internal.LegacyTlsServer;
import org.starttls4j.testkit.internal.LineReader;
import org.starttls4j.testkit.internal.ShreddingOutputStream;

/**
 * One connection of a {@link HostileServer}: the scenario's script over a blocking socket. Before
 * the go-ahead it answers capability requests and STARTTLS itself and leaves every other command
 * to a plaintext {@link Conversation} that plays along, so a client that goes on without TLS shows
 * what it would have sent (credentials, mail) in the recording.
 */
final class HostileConnection {

    /** How long the server holds back its answer to the first command inside TLS, to catch a client that does not wait for it. */
    static final Duration INJECTION_WINDOW = Duration.ofMillis(750);
    private static final int ONE_MIB = 1 << 20;
    private static final int ENDLESS_LINES = 100_000;
    private static final Pattern TRAILING_NUMBER = Pattern.compile("^(.*?)(\\d+)$");

    private final MailProtocol protocol;
    private final HostileScenario scenario;
    private final boolean implicit;
    private final ThrowawayPki pki;
    private final Socket socket;
    private final Recording recording;
    private final int number;
    private final Consumer<Finding> findings;

    HostileConnection(MailProtocol protocol, HostileScenario scenario, boolean implicit, ThrowawayPki pki, Socket socket,
                      Recording recording, int number, Consumer<Finding> findings) {
        this.protocol = protocol;
        this.scenario = scenario;
        this.implicit = implicit;
        this.pki = pki;
        this.socket = socket;
        this.recording = recording;
        this.number = number;
        this.findings = findings;
    }

    void play() {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            OutputStream out = shred(socket.getOutputStream());
            LineReader in = new LineReader(socket.getInputStream(), ConversationLoop.MAX_LINE);
            if (implicit) {
                afterGoAhead(in, out, ""); // RFC 8314: TLS from the first byte, as if the go-ahead had just been sent
                return;
            }
            String startTlsTag = plaintext(in, out);
            if (startTlsTag != null) {
                afterGoAhead(in, out, startTlsTag);
            }
        } catch (IOException e) {
            recording.note(number, "connection ended: " + e.getMessage());
        }
    }

    private OutputStream shred(OutputStream out) {
        return switch (scenario) {
            case FRAGMENTED_REPLIES -> new ShreddingOutputStream(out, 1, Duration.ZERO);
            case SLOW_REPLIES -> new ShreddingOutputStream(out, 4, Duration.ofMillis(15));
            default -> out;
        };
    }

    // ---------------------------------------------------------------- before TLS

    /** Runs the plaintext part; returns the STARTTLS tag ("" outside IMAP) once a go-ahead was sent, or null when the connection ended. */
    private String plaintext(LineReader in, OutputStream out) throws IOException {
        if (!greet(out)) {
            return null;
        }
        Conversation plain = Conversation.open(protocol, recording, number, Layer.PLAINTEXT,
                Conversation.Profile.playingAlong(protocol, pki.serverName(), true));
        boolean first = true;
        String line;
        while ((line = in.readLine()) != null) {
            if (first && scenario == HostileScenario.OVER_LONG_LINE) {
                findings.accept(new Finding(ClientFinding.ACCEPTED_UNBOUNDED_REPLY, "read a greeting line of "
                        + String.format(Locale.ROOT, "%,d", ONE_MIB) + " bytes and went on with '" + line + "'"));
            }
            first = false;
            if (plain.readingData()) {
                if (answer(out, plain.onLine(line))) {
                    return null;
                }
                continue;
            }
            String verb = new ReceivedCommand(number, Layer.PLAINTEXT, line, Instant.now()).verb(protocol);
            String tag = protocol == MailProtocol.IMAP ? line.split(" ", 2)[0] : "";
            if (isCapabilityRequest(verb)) {
                record(line);
                if (!write(out, capabilityReply(tag, verb))) {
                    return null;
                }
                if (scenario == HostileScenario.ENDLESS_MULTILINE_REPLY) {
                    String next = in.readLine();
                    if (next == null) {
                        return null;
                    }
                    findings.accept(new Finding(ClientFinding.ACCEPTED_UNBOUNDED_REPLY, "read a capability reply of "
                            + String.format(Locale.ROOT, "%,d", ENDLESS_LINES) + " lines and went on with '" + next + "'"));
                    line = next;
                    verb = new ReceivedCommand(number, Layer.PLAINTEXT, line, Instant.now()).verb(protocol);
                    tag = protocol == MailProtocol.IMAP ? line.split(" ", 2)[0] : "";
                    if (isCapabilityRequest(verb)) {
                        record(line);
                        write(out, capabilityReply(tag, verb));
                        continue;
                    }
                } else {
                    continue;
                }
            }
            if (verb.equals(protocol.startTlsCommand())) {
                record(line);
                String refusal = refusal(tag);
                if (refusal != null) {
                    write(out, refusal);
                    continue;
                }
                write(out, goAhead(tag) + (scenario == HostileScenario.RESPONSE_INJECTION ? injected(tag) : ""));
                return tag;
            }
            if (answer(out, plain.onLine(line))) {
                return null;
            }
        }
        return null;
    }

    private boolean isCapabilityRequest(String verb) {
        return switch (protocol) {
            case SMTP -> verb.equals("EHLO");
            case IMAP -> verb.equals("CAPABILITY");
            default -> verb.equals("CAPA");
        };
    }

    private boolean greet(OutputStream out) {
        String host = pki.serverName();
        String text = switch (protocol) {
            case SMTP -> "220 " + host + " ESMTP";
            case IMAP -> scenario == HostileScenario.PREAUTH ? "* PREAUTH [CAPABILITY " + imapCapabilities() + "] " + host + " logged in as alice"
                    // without the capabilities in the greeting, so that the client asks (and gets the endless reply)
                    : scenario == HostileScenario.ENDLESS_MULTILINE_REPLY ? "* OK " + host + " ready"
                    : "* OK [CAPABILITY " + imapCapabilities() + "] " + host + " ready";
            default -> "+OK " + host + " ready";
        };
        if (scenario == HostileScenario.OVER_LONG_LINE) {
            text = text + " " + "x".repeat(ONE_MIB);
        }
        return write(out, text + "\r\n");
    }

    private String imapCapabilities() {
        return "IMAP4rev1 AUTH=PLAIN" + (scenario == HostileScenario.STARTTLS_STRIPPED || implicit ? "" : " STARTTLS");
    }

    private String capabilityReply(String tag, String verb) {
        boolean offer = scenario != HostileScenario.STARTTLS_STRIPPED && !implicit;
        boolean endless = scenario == HostileScenario.ENDLESS_MULTILINE_REPLY;
        StringBuilder s = new StringBuilder();
        switch (protocol) {
            case SMTP -> {
                s.append("250-").append(pki.serverName()).append("\r\n");
                for (int i = 0; endless && i < ENDLESS_LINES; i++) {
                    s.append("250-X-FILLER-").append(i).append("\r\n");
                }
                s.append("250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n").append(offer ? "250-STARTTLS\r\n" : "").append("250 ENHANCEDSTATUSCODES\r\n");
            }
            case IMAP -> {
                for (int i = 0; endless && i < ENDLESS_LINES; i++) {
                    s.append("* OK filler ").append(i).append("\r\n");
                }
                s.append("* CAPABILITY ").append(imapCapabilities()).append("\r\n").append(tag).append(" OK CAPABILITY completed\r\n");
            }
            default -> {
                s.append("+OK Capability list follows\r\nUSER\r\nSASL PLAIN\r\n");
                for (int i = 0; endless && i < ENDLESS_LINES; i++) {
                    s.append("X-FILLER-").append(i).append("\r\n");
                }
                s.append(offer ? "STLS\r\n" : "").append(".\r\n");
            }
        }
        return s.toString();
    }

    /** The answer to STARTTLS when the scenario refuses it, or null for a go-ahead. */
    private String refusal(String tag) {
        return switch (scenario) {
            case STARTTLS_STRIPPED -> switch (protocol) {
                case SMTP -> "502 5.5.1 Command not implemented\r\n";
                case IMAP -> tag + " BAD Unknown command\r\n";
                default -> "-ERR Unknown command\r\n";
            };
            case STARTTLS_REFUSED -> switch (protocol) {
                case SMTP -> "454 4.7.0 TLS not available due to temporary reason\r\n";
                case IMAP -> tag + " NO TLS not available\r\n";
                default -> "-ERR TLS not available\r\n";
            };
            case PREAUTH -> tag + " BAD STARTTLS not allowed in the authenticated state\r\n";
            default -> null;
        };
    }

    private String goAhead(String tag) {
        return switch (protocol) {
            case SMTP -> "220 2.0.0 Ready to start TLS\r\n";
            case IMAP -> tag + " OK Begin TLS negotiation now\r\n";
            default -> "+OK Begin TLS negotiation\r\n";
        };
    }

    /** A forged answer to the client's first command inside TLS. */
    private String injected(String tag) {
        return switch (protocol) {
            case SMTP -> "250 injected.example greets you\r\n";
            case IMAP -> "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + nextTag(tag) + " OK CAPABILITY completed (injected)\r\n";
            default -> "+OK injected\r\nUSER\r\nSASL PLAIN\r\n.\r\n";
        };
    }

    static String nextTag(String tag) {
        Matcher m = TRAILING_NUMBER.matcher(tag);
        return m.matches() ? m.group(1) + (Long.parseLong(m.group(2)) + 1) : tag + "1";
    }

    // ---------------------------------------------------------------- after the go-ahead

    private void afterGoAhead(LineReader in, OutputStream out, String tag) throws IOException {
        InputStream raw = socket.getInputStream();
        byte[] consumed = in.takeBuffered();
        switch (scenario) {
            case CLOSE_AFTER_GO_AHEAD -> {
                recording.note(number, "closed the connection " + where());
                return;
            }
            case GARBAGE_AFTER_GO_AHEAD -> {
                write(out, "\u0000\u00ff this is not TLS \u0001\u0002\u0003\r\n");
                recording.note(number, "sent bytes that are not TLS " + where());
            }
            default -> {
            }
        }
        int first = consumed.length > 0 ? consumed[0] & 0xff : raw.read();
        if (first < 0) {
            recording.note(number, "the client closed the connection " + where());
            return;
        }
        byte[] start = consumed.length > 0 ? consumed : new byte[] {(byte) first};
        if (first != 0x16) {
            plaintextAfterGoAhead(start, raw);
            return;
        }
        if (scenario == HostileScenario.HANG_AFTER_GO_AHEAD || scenario == HostileScenario.GARBAGE_AFTER_GO_AHEAD) {
            long drained = drain(raw);
            recording.note(number, "the client sent a TLS ClientHello (" + (start.length + drained)
                    + " bytes in all) and then closed the connection");
            return;
        }
        if (scenario == HostileScenario.TLS_1_1_ONLY) {
            legacy(new SequenceInputStream(new ByteArrayInputStream(start), raw));
            return;
        }
        CertificateKind kind = switch (scenario) {
            case WRONG_NAME_CERTIFICATE -> CertificateKind.WRONG_NAME;
            case UNTRUSTED_CERTIFICATE -> CertificateKind.SELF_SIGNED;
            case EXPIRED_CERTIFICATE -> CertificateKind.EXPIRED;
            default -> CertificateKind.VALID;
        };
        SSLSocket tls = (SSLSocket) pki.serverContext(kind).getSocketFactory().createSocket(socket, new ByteArrayInputStream(start), true);
        try {
            tls.startHandshake();
        } catch (IOException e) {
            recording.note(number, "TLS handshake failed (" + kind + " certificate): " + e.getMessage());
            return;
        }
        recording.note(number, "TLS established: " + tls.getSession().getProtocol() + " " + tls.getSession().getCipherSuite()
                + " (" + kind + " certificate)");
        insideTls(new LineReader(tls.getInputStream(), ConversationLoop.MAX_LINE), shred(tls.getOutputStream()), tls, kind);
    }

    private void insideTls(LineReader in, OutputStream out, Socket tls, CertificateKind kind) throws IOException {
        Conversation conversation = Conversation.open(protocol, recording, number, Layer.TLS,
                Conversation.Profile.playingAlong(protocol, pki.serverName(), scenario != HostileScenario.CAPABILITY_INJECTION));
        String first = implicit ? implicitOpening(in, out) : in.readLine();
        if (first == null) {
            recording.note(number, "the client closed the connection inside TLS without a command");
            return;
        }
        if (kind != CertificateKind.VALID && isGoodbye(first)) {
            recording.note(number, "the client said only '" + first + "' inside TLS with the " + kind + " certificate (refused after the handshake)");
        } else if (kind != CertificateKind.VALID) {
            findings.accept(new Finding(ClientFinding.ACCEPTED_BAD_CERTIFICATE, "went on inside TLS with the " + kind
                    + " certificate: sent '" + first + "'"));
        }
        Conversation.Answer answer = conversation.onLine(first);
        if (scenario == HostileScenario.RESPONSE_INJECTION) {
            tls.setSoTimeout((int) INJECTION_WINDOW.toMillis());
            String second = null;
            try {
                second = in.readLine();
            } catch (SocketTimeoutException e) {
                // the client waits for the answer, as it should
            }
            tls.setSoTimeout(60_000);
            if (second != null) {
                findings.accept(new Finding(ClientFinding.ACTED_ON_INJECTED_RESPONSE, "sent '" + second + "' inside TLS before '"
                        + first + "' was answered: it took the reply injected with the go-ahead for the answer"));
                if (answer(out, answer)) {
                    return;
                }
                answer = conversation.onLine(second);
            }
        }
        if (answer(out, answer)) {
            return;
        }
        ConversationLoop.run(in, out, conversation);
    }

    private void legacy(InputStream in) throws IOException {
        LegacyTlsServer.Session tls;
        try {
            tls = LegacyTlsServer.accept(in, socket.getOutputStream(), pki.serverKey(),
                    pki.chain(CertificateKind.VALID));
        } catch (IOException e) {
            recording.note(number, "TLS 1.1 handshake failed: " + e.getMessage());
            return;
        }
        recording.note(number, "TLS established: " + tls.version() + " (BouncyCastle, TLS 1.0/1.1 only)");
        LineReader lines = new LineReader(tls.in(), ConversationLoop.MAX_LINE);
        String first;
        try {
            first = implicit ? implicitOpening(lines, tls.out()) : lines.readLine();
        } catch (IOException e) {
            recording.note(number, "the client ended the TLS 1.1 session: " + e.getMessage());
            return;
        }
        if (first == null) {
            recording.note(number, "the client closed the TLS 1.1 session without a command");
            return;
        }
        if (isGoodbye(first)) {
            recording.note(number, "the client said only '" + first + "' inside " + tls.version() + " (refused after the handshake)");
        } else {
            findings.accept(new Finding(ClientFinding.ACCEPTED_OLD_TLS, "went on inside " + tls.version()
                    + ": sent '" + first + "'"));
        }
        Conversation conversation = Conversation.open(protocol, recording, number, Layer.TLS,
                Conversation.Profile.playingAlong(protocol, pki.serverName(), true));
        if (!answer(tls.out(), conversation.onLine(first))) {
            ConversationLoop.run(lines, tls.out(), conversation);
        }
    }

    /**
     * Whether a client's first line inside TLS is its goodbye (QUIT, LOGOUT): a client that checks
     * the certificate or version after the handshake and refuses it may say goodbye politely; that
     * sends nothing an attacker could use, so it is no sign of going on.
     */
    private boolean isGoodbye(String line) {
        String verb = new ReceivedCommand(number, Layer.TLS, line, Instant.now()).verb(protocol);
        return verb.equals("QUIT") || verb.equals("LOGOUT");
    }

    /** Where the TLS handshake was due: after the go-ahead, or on connecting to an implicit-TLS port. */
    private String where() {
        return implicit ? "on connecting to an implicit-TLS port" : "after the go-ahead";
    }

    /**
     * On an implicit-TLS port the server speaks first inside TLS: the greeting (1 MiB long under
     * {@link HostileScenario#OVER_LONG_LINE}), then, under {@link HostileScenario#ENDLESS_MULTILINE_REPLY},
     * an endless answer to the first capability request. Returns the client's first line that
     * the scenario leaves to the conversation, or null when the client has gone.
     */
    private String implicitOpening(LineReader in, OutputStream out) throws IOException {
        if (!greet(out)) {
            return null;
        }
        String line = in.readLine();
        if (line != null && scenario == HostileScenario.OVER_LONG_LINE) {
            findings.accept(new Finding(ClientFinding.ACCEPTED_UNBOUNDED_REPLY, "read a greeting line of "
                    + String.format(Locale.ROOT, "%,d", ONE_MIB) + " bytes inside TLS and went on with '" + line + "'"));
        }
        if (line != null && scenario == HostileScenario.ENDLESS_MULTILINE_REPLY) {
            String verb = new ReceivedCommand(number, Layer.TLS, line, Instant.now()).verb(protocol);
            if (isCapabilityRequest(verb)) {
                recording.add(new ReceivedCommand(number, Layer.TLS, line, Instant.now()));
                if (!write(out, capabilityReply(protocol == MailProtocol.IMAP ? line.split(" ", 2)[0] : "", verb))) {
                    return null;
                }
                line = in.readLine();
                if (line != null) {
                    findings.accept(new Finding(ClientFinding.ACCEPTED_UNBOUNDED_REPLY, "read a capability reply of "
                            + String.format(Locale.ROOT, "%,d", ENDLESS_LINES) + " lines inside TLS and went on with '" + line + "'"));
                }
            }
        }
        return line;
    }

    private void plaintextAfterGoAhead(byte[] start, InputStream raw) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes(start);
        socket.setSoTimeout(1000);
        try {
            while (text.size() < 200 && text.toString(StandardCharsets.ISO_8859_1).indexOf('\n') < 0) {
                int b = raw.read();
                if (b < 0) {
                    break;
                }
                text.write(b);
            }
        } catch (SocketTimeoutException e) {
            // what arrived is the evidence
        }
        String line = text.toString(StandardCharsets.ISO_8859_1).split("\r?\n", 2)[0];
        recording.add(new ReceivedCommand(number, Layer.PLAINTEXT, line, Instant.now()));
        findings.accept(new Finding(ClientFinding.PLAINTEXT_AFTER_GO_AHEAD, "sent '" + line
                + "' in plaintext where its TLS ClientHello should have been" + (implicit ? " (an implicit-TLS port)" : "")));
    }

    private long drain(InputStream raw) {
        long n = 0;
        byte[] sink = new byte[4096];
        try {
            int r;
            while ((r = raw.read(sink)) >= 0) {
                n += r;
            }
        } catch (IOException e) {
            // the client reset the connection: it gave up
        }
        return n;
    }

    // ---------------------------------------------------------------- I/O

    private void record(String line) {
        recording.add(new ReceivedCommand(number, Layer.PLAINTEXT, line, Instant.now()));
    }

    /** Writes; false (with a note) when the client has gone. */
    private boolean write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        } catch (IOException e) {
            recording.note(number, "the client stopped reading (" + e.getMessage() + ") while the server wrote "
                    + String.format(Locale.ROOT, "%,d", text.length()) + " bytes");
            return false;
        }
    }

    /** Sends an answer; true when the conversation is over. */
    private boolean answer(OutputStream out, Conversation.Answer answer) {
        if (!answer.send().isEmpty() && !write(out, answer.send())) {
            return true;
        }
        return answer.close();
    }
}
