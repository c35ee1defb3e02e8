package org.starttls4j.testkit.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Consumer;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.Recording;

/**
 * What a reference server does with each connection, whatever transport moves its bytes (NIO or
 * Netty): records and logs the negotiation, opens a {@link Conversation} for the hand-over, logs
 * each line (masked) before answering it. The log says, per line, when, who, in which layer:
 * {@code 12:00:01.234 127.0.0.1:50000 [tls]   C: AUTH PLAIN ****}.
 */
public final class Sessions {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final MailProtocol protocol;
    private final ServerConfig config;
    private final Recording recording;
    private final boolean record;
    private final Conversation.Profile profile;
    private final Consumer<String> log;

    /**
     * The sessions of one server.
     *
     * @param protocol  the protocol
     * @param config    the negotiation's configuration (the conversations answer from it)
     * @param recording where to record
     * @param record    whether to record anything (a long-running server counts connections only)
     * @param log       where log lines go (called from several threads), or null for no log
     */
    public Sessions(MailProtocol protocol, ServerConfig config, Recording recording, boolean record, Consumer<String> log) {
        this.protocol = protocol;
        this.config = config;
        this.recording = recording;
        this.record = record;
        this.profile = new Conversation.Profile(config, record);
        this.log = log;
    }

    /**
     * The protocol served.
     *
     * @return the protocol
     */
    public MailProtocol protocol() {
        return protocol;
    }

    /**
     * The negotiation's configuration.
     *
     * @return the configuration
     */
    public ServerConfig config() {
        return config;
    }

    /**
     * Records and logs a negotiation that ended.
     *
     * @param number  the connection's number, or 0 for a new connection
     * @param peer    the client
     * @param events  the negotiation's events
     * @param unread  the bytes handed over unread, as ISO-8859-1 text (empty for none)
     * @param resumed whether the negotiation resumed at STARTTLS after a plaintext hand-over
     * @return the connection's number
     */
    public int negotiated(int number, SocketAddress peer, List<Event> events, String unread, boolean resumed) {
        int n = number > 0 ? number : recording.connectionOpened();
        if (record) {
            NegotiationLines.record(protocol, recording, n, events, unread);
        }
        if (log != null) {
            logNegotiation(peer, events, resumed);
        }
        return n;
    }

    /**
     * A fresh conversation for a connection handed over.
     *
     * @param number    the connection's number
     * @param encrypted whether it is inside TLS
     * @return the conversation
     */
    public Conversation conversation(int number, boolean encrypted) {
        return Conversation.open(protocol, record ? recording : null, number, encrypted ? Layer.TLS : Layer.PLAINTEXT, profile);
    }

    /**
     * Logs one line, masked, then answers it.
     *
     * @param conversation the connection's conversation
     * @param peer         the client
     * @param encrypted    whether the line came inside TLS
     * @param line         the line, without CRLF
     * @return the answer
     */
    public Conversation.Answer answer(Conversation conversation, SocketAddress peer, boolean encrypted, String line) {
        if (log != null) {
            String shown = conversation.logged(line);
            if (shown != null) {
                log(peer, encrypted, "C: " + printable(shown), Instant.now());
            }
        }
        return conversation.onLine(line);
    }

    /**
     * Notes how a connection ended, in the recording and the log.
     *
     * @param number    the connection's number
     * @param peer      the client
     * @param encrypted whether it was inside TLS
     * @param what      what happened
     */
    public void ended(int number, SocketAddress peer, boolean encrypted, String what) {
        if (record) {
            recording.note(number, what);
        }
        if (log != null) {
            log(peer, encrypted, "(" + what + ")", Instant.now());
        }
    }

    private void logNegotiation(SocketAddress peer, List<Event> events, boolean resumed) {
        Instant at = events.stream().filter(e -> e instanceof Event.Line).map(e -> ((Event.Line) e).at()).findFirst()
                .orElseGet(Instant::now);
        log(peer, false, resumed ? "resuming the negotiation at " + protocol.startTlsCommand() : "connected", at);
        for (Event e : events) {
            if (e instanceof Event.Line l) {
                at = l.at();
                if (l.direction() == Event.Direction.RECEIVED) {
                    log(peer, l.encrypted(), "C: " + printable(Conversation.maskCommand(l.text())), at);
                }
            } else if (e instanceof Event.TlsEstablished t) {
                log(peer, true, "TLS established: " + t.facts().protocol() + " " + t.facts().cipherSuite(), at);
            } else if (e instanceof Event.Secured) {
                log(peer, true, "negotiated: handing over inside TLS", at);
            } else if (e instanceof Event.HandedOverInPlaintext p) {
                log(peer, false, "negotiated: handing over in plaintext ("
                        + p.session().fallbackCause().map(Failure::reason).map(Enum::name).orElse("plaintext") + ")", at);
            } else if (e instanceof Event.Failed f) {
                log(peer, false, "negotiation failed: " + f.failure().reason() + " (" + f.failure().message() + ")", at);
            }
        }
    }

    private void log(SocketAddress peer, boolean encrypted, String what, Instant at) {
        log.accept(LocalTime.ofInstant(at, ZoneId.systemDefault()).format(CLOCK) + " " + describe(peer) + " "
                + (encrypted ? "[tls]  " : "[plain]") + " " + what);
    }

    /**
     * {@code host:port}, IPv6 in brackets.
     *
     * @param peer an address
     * @return it, as a log shows it
     */
    public static String describe(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress a)) {
            return String.valueOf(peer);
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Control characters and bytes above 0x7e as {@code \xNN}: a log line is one line of text. */
    static String printable(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                s.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
