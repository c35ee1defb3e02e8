package org.starttls4j.testing.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.SecureSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.Session;
import org.starttls4j.TlsFacts;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;

/**
 * The application behind a starttls4j test server: once a negotiation hands a connection over, a
 * {@link Conversation} answers whatever the client sends next, just well enough for real clients
 * (OpenSSL, curl, Jakarta Mail) to finish their dialog, and records every line it received.
 *
 * <p>It is sans-I/O, like the core: an adapter's test glue feeds it the decrypted bytes and writes
 * back what it returns ({@link Conversation#onReceived}), or, over blocking channels, lets
 * {@link Conversation#serve} do that loop. When the connection ends, the glue calls
 * {@link Conversation#end}; the test then takes the finished {@link ServedSession} with
 * {@link #nextSession}. Negotiations that never handed over are reported with
 * {@link #negotiationFailed} and taken with {@link #nextFailure}.
 *
 * <p>What it answers:
 * <pre>
 * SMTP  EHLO (post-TLS capabilities via Smtp.ehloReplyAfterTls), HELO, MAIL, RCPT, DATA … ".",
 *       RSET, NOOP, VRFY, AUTH PLAIN/LOGIN, STARTTLS inside TLS (Smtp.REPLY_TLS_ALREADY_ACTIVE),
 *       QUIT (221, close)
 * IMAP  CAPABILITY (Imap.capabilityResponseAfterTls inside TLS), LOGIN, AUTHENTICATE PLAIN (with
 *       or without initial response), SELECT, EXAMINE, LIST, LSUB, STATUS, NOOP, CHECK, CLOSE,
 *       UNSELECT, ID, NAMESPACE, ENABLE, STARTTLS inside TLS (Imap.startTlsAfterTlsResponse),
 *       LOGOUT (BYE, OK, close). No literals: every command must fit on one line.
 * POP3  CAPA (Pop3.capaReplyAfterTls inside TLS), USER, PASS, AUTH PLAIN, STAT, LIST, UIDL, RETR,
 *       TOP, DELE, RSET, NOOP, STLS inside TLS (Pop3.REPLY_TLS_ALREADY_ACTIVE), QUIT (+OK, close)
 * </pre>
 * The mailbox holds one message, {@link #MAILBOX_MESSAGE}.
 */
public final class Responder {

    /** The single message in every test mailbox (IMAP SELECT shows 1 EXISTS, POP3 STAT 1). */
    public static final String MAILBOX_MESSAGE = "From: sender@example.test\r\nTo: alice@example.test\r\n"
            + "Subject: starttls4j interop\r\n\r\nHello over TLS.\r\n";

    private static final int MAX_LINE = 64 * 1024;

    private final MailProtocol protocol;
    private final ServerConfig config;
    private final BlockingQueue<ServedSession> served = new LinkedBlockingQueue<>();
    private final BlockingQueue<FailedNegotiation> failed = new LinkedBlockingQueue<>();
    private final AtomicInteger opened = new AtomicInteger();

    /**
     * A responder for servers of {@code protocol} configured with {@code config} (the same config
     * the server negotiates with: its host name and post-TLS capabilities are used in replies).
     *
     * @param protocol the protocol
     * @param config   the server configuration
     */
    public Responder(MailProtocol protocol, ServerConfig config) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The protocol answered. */
    public MailProtocol protocol() {
        return protocol;
    }

    /** The configuration the server negotiates with. */
    public ServerConfig config() {
        return config;
    }

    /**
     * A new conversation for a connection a negotiation just handed over.
     *
     * @param facts what the negotiation settled
     * @return the conversation; call {@link Conversation#end} when the connection is done
     */
    public Conversation open(SessionFacts facts) {
        opened.incrementAndGet();
        return new Conversation(Objects.requireNonNull(facts, "facts"));
    }

    /** How many conversations were opened so far. */
    public int opened() {
        return opened.get();
    }

    /**
     * Records a negotiation that ended without handing over.
     *
     * @param failure why it failed
     * @param events  its events, where the adapter has them (may be empty)
     */
    public void negotiationFailed(Failure failure, List<Event> events) {
        failed.add(new FailedNegotiation(failure, List.copyOf(events)));
    }

    /**
     * Waits (bounded) for the next conversation to end.
     *
     * @param timeout how long to wait
     * @return the finished conversation
     * @throws AssertionError when none ended in time (the message lists failed negotiations)
     */
    public ServedSession nextSession(Duration timeout) {
        ServedSession session = poll(served, timeout);
        if (session == null) {
            throw new AssertionError("no " + protocol + " session ended within " + timeout + "; opened " + opened.get()
                    + ", failed negotiations: " + List.copyOf(failed));
        }
        return session;
    }

    /**
     * Waits (bounded) for the next negotiation that failed on the server.
     *
     * @param timeout how long to wait
     * @return the failure
     * @throws AssertionError when none failed in time
     */
    public FailedNegotiation nextFailure(Duration timeout) {
        FailedNegotiation failure = poll(failed, timeout);
        if (failure == null) {
            throw new AssertionError("no " + protocol + " negotiation failed within " + timeout + "; sessions served: "
                    + List.copyOf(served));
        }
        return failure;
    }

    /** Failed negotiations recorded so far and not yet taken. */
    public List<FailedNegotiation> pendingFailures() {
        return List.copyOf(failed);
    }

    private static <T> T poll(BlockingQueue<T> queue, Duration timeout) {
        try {
            return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * What a negotiation settled, as the responder and the tests need it.
     *
     * @param encrypted         whether the connection was handed over inside TLS
     * @param tls               the TLS facts when encrypted
     * @param capabilities      the capabilities the session says it announces
     * @param negotiationEvents the negotiation's events (transcript included); adapters pass them
     *                          all, the scenarios check them
     */
    public record SessionFacts(boolean encrypted, Optional<TlsFacts> tls, Capabilities capabilities,
                               List<Event> negotiationEvents) {

        /** Copies the list. */
        public SessionFacts {
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(capabilities, "capabilities");
            negotiationEvents = List.copyOf(negotiationEvents);
        }

        /**
         * The facts of a core {@link Session}.
         *
         * @param session the handed-over session
         * @param events  the negotiation's events, or an empty list
         * @return the facts
         */
        public static SessionFacts of(Session session, List<Event> events) {
            Optional<TlsFacts> tls = session instanceof SecureSession secure ? Optional.of(secure.tls()) : Optional.empty();
            return new SessionFacts(session.isEncrypted(), tls, session.capabilities(), events);
        }

        /** The transcript lines of the negotiation. */
        public List<Event.Line> transcript() {
            return negotiationEvents.stream().filter(Event.Line.class::isInstance).map(Event.Line.class::cast).toList();
        }
    }

    /**
     * A conversation that has ended.
     *
     * @param facts    what the negotiation settled
     * @param received every line received after the hand-over, in order, without CRLF (SMTP
     *                 message bodies are in {@code messages} instead)
     * @param sent     every reply sent, in order, CRLF included
     * @param messages the SMTP messages received with DATA, un-dot-stuffed
     * @param endedBy  why it ended: the closing command (QUIT/LOGOUT) or the adapter's reason
     */
    public record ServedSession(SessionFacts facts, List<String> received, List<String> sent, List<String> messages,
                                String endedBy) {

        /** Copies the lists. */
        public ServedSession {
            received = List.copyOf(received);
            sent = List.copyOf(sent);
            messages = List.copyOf(messages);
        }

        /** The first line received after the hand-over: the command that followed STARTTLS. */
        public String firstReceived() {
            if (received.isEmpty()) {
                throw new AssertionError("the session received no line after the hand-over: " + this);
            }
            return received.get(0);
        }
    }

    /**
     * A negotiation that ended without a session.
     *
     * @param failure why
     * @param events  its events, where the adapter had them
     */
    public record FailedNegotiation(Failure failure, List<Event> events) {
    }

    /**
     * One connection's dialog after the hand-over. Thread-safe, so that an adapter may feed it
     * from whichever thread reads.
     */
    public final class Conversation {

        private final SessionFacts facts;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final List<String> received = new ArrayList<>();
        private final List<String> sent = new ArrayList<>();
        private final List<String> messages = new ArrayList<>();
        private StringBuilder message;
        private String pendingAuth;
        private boolean closeRequested;
        private String endedBy;
        private boolean ended;
        private int queued;

        private Conversation(SessionFacts facts) {
            this.facts = facts;
        }

        /** What the negotiation settled. */
        public SessionFacts facts() {
            return facts;
        }

        /**
         * Feeds application bytes the client sent (already decrypted).
         *
         * @param bytes the bytes; consumed entirely
         * @return the bytes to send back, possibly none
         */
        public synchronized byte[] onReceived(ByteBuffer bytes) {
            StringBuilder out = new StringBuilder();
            while (bytes.hasRemaining() && !closeRequested) {
                byte b = bytes.get();
                partial.write(b);
                if (b == '\n') {
                    byte[] raw = partial.toByteArray();
                    partial.reset();
                    int end = raw.length - 1;
                    if (end > 0 && raw[end - 1] == '\r') {
                        end--;
                    }
                    String line = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
                    String reply = answer(line);
                    if (!reply.isEmpty()) {
                        sent.add(reply);
                        out.append(reply);
                    }
                } else if (partial.size() > MAX_LINE) {
                    String reply = "line too long\r\n";
                    closeRequested = true;
                    endedBy = "line too long";
                    out.append(reply);
                }
            }
            return out.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        /** Whether the client said goodbye (QUIT/LOGOUT) and was answered: close the connection now. */
        public synchronized boolean closeRequested() {
            return closeRequested;
        }

        /**
         * Ends the conversation and publishes it to {@link #nextSession}. Idempotent.
         *
         * @param why the adapter's reason when it was not a closing command (e.g. "peer closed")
         */
        public void end(String why) {
            ServedSession done;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                done = new ServedSession(facts, received, sent, messages, endedBy != null ? endedBy : why);
            }
            served.add(done);
        }

        /**
         * The blocking loop for channel-based adapters: reads, answers and writes until the client
         * says goodbye or closes, then {@link #end ends} the conversation. The caller closes the
         * channel afterwards (with close_notify, the adapter's business).
         *
         * @param in       where decrypted bytes come from ({@code -1} at end of stream)
         * @param out      where replies go
         * @param greeting bytes to send first (usually none: the negotiation already greeted)
         * @throws IOException when the channel fails; the conversation is ended all the same
         */
        public void serve(ReadableByteChannel in, WritableByteChannel out, byte[] greeting) throws IOException {
            String why = "peer closed";
            try {
                write(out, greeting);
                ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
                while (!closeRequested()) {
                    buffer.clear();
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    buffer.flip();
                    write(out, onReceived(buffer));
                }
            } catch (IOException | RuntimeException e) {
                why = "failed: " + e;
                throw e;
            } finally {
                end(why);
            }
        }

        private void write(WritableByteChannel out, byte[] bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }

        // ------------------------------------------------------------------ the dialogs

        private String answer(String line) {
            if (message != null) {
                return dataLine(line);
            }
            received.add(line);
            return switch (protocol) {
                case SMTP -> smtp(line);
                case IMAP -> imap(line);
                case POP3 -> pop3(line);
            };
        }

        private String dataLine(String line) {
            if (line.equals(".")) {
                messages.add(message.toString());
                message = null;
                return "250 2.0.0 Ok: queued as " + (++queued) + "\r\n";
            }
            message.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            return "";
        }

        private String smtp(String line) {
            if (pendingAuth != null) {
                return smtpAuthContinue(line);
            }
            String verb = word(line, 0);
            String argument = rest(line, 1);
            switch (verb) {
                case "EHLO":
                    return facts.encrypted() ? Smtp.ehloReplyAfterTls(config, argument)
                            : ehloPlain(argument);
                case "HELO":
                    return "250 " + config.hostname() + "\r\n";
                case "MAIL":
                    return "250 2.1.0 Ok\r\n";
                case "RCPT":
                    return "250 2.1.5 Ok\r\n";
                case "DATA":
                    message = new StringBuilder();
                    return "354 End data with <CR><LF>.<CR><LF>\r\n";
                case "RSET":
                case "NOOP":
                    return "250 2.0.0 Ok\r\n";
                case "VRFY":
                    return "252 2.0.0 Cannot VRFY user, but will accept message\r\n";
                case "AUTH":
                    return smtpAuth(argument);
                case "STARTTLS":
                    return facts.encrypted() ? Smtp.REPLY_TLS_ALREADY_ACTIVE : "454 4.7.0 TLS not available now\r\n";
                case "QUIT":
                    return goodbye("QUIT", "221 2.0.0 Bye\r\n");
                default:
                    return "500 5.5.2 Error: command not recognized\r\n";
            }
        }

        private String ehloPlain(String argument) {
            StringBuilder reply = new StringBuilder();
            List<Capability> list = config.capabilitiesBeforeTls().list();
            reply.append(list.isEmpty() ? "250 " : "250-").append(config.hostname()).append(" greets ").append(argument).append("\r\n");
            for (int i = 0; i < list.size(); i++) {
                reply.append(i == list.size() - 1 ? "250 " : "250-").append(list.get(i)).append("\r\n");
            }
            return reply.toString();
        }

        private String smtpAuth(String argument) {
            String mechanism = word(argument, 0);
            String initial = rest(argument, 1);
            if (mechanism.equals("PLAIN")) {
                if (initial.isEmpty()) {
                    pendingAuth = "PLAIN";
                    return "334 \r\n";
                }
                return "235 2.7.0 Authentication successful\r\n";
            }
            if (mechanism.equals("LOGIN")) {
                pendingAuth = initial.isEmpty() ? "LOGIN-USER" : "LOGIN-PASSWORD";
                return initial.isEmpty() ? "334 VXNlcm5hbWU6\r\n" : "334 UGFzc3dvcmQ6\r\n";
            }
            return "504 5.5.4 Unrecognized authentication type\r\n";
        }

        private String smtpAuthContinue(String line) {
            String state = pendingAuth;
            pendingAuth = null;
            if (line.equals("*")) {
                return "501 5.7.0 Authentication aborted\r\n";
            }
            if (state.equals("LOGIN-USER")) {
                pendingAuth = "LOGIN-PASSWORD";
                return "334 UGFzc3dvcmQ6\r\n";
            }
            return "235 2.7.0 Authentication successful\r\n";
        }

        private String imap(String line) {
            if (pendingAuth != null) {
                String tag = pendingAuth;
                pendingAuth = null;
                return line.equals("*") ? tag + " BAD AUTHENTICATE cancelled\r\n" : tag + " OK AUTHENTICATE completed\r\n";
            }
            String tag = line.indexOf(' ') > 0 ? line.substring(0, line.indexOf(' ')) : line;
            String command = word(line, 1);
            String argument = rest(line, 2);
            switch (command) {
                case "CAPABILITY":
                    return facts.encrypted() ? Imap.capabilityResponseAfterTls(config, tag)
                            : "* CAPABILITY " + imapCapabilities() + "\r\n" + tag + " OK CAPABILITY completed\r\n";
                case "LOGIN":
                    return tag + " OK LOGIN completed\r\n";
                case "AUTHENTICATE":
                    if (!word(argument, 0).equals("PLAIN")) {
                        return tag + " NO unsupported authentication mechanism\r\n";
                    }
                    if (rest(argument, 1).isEmpty()) {
                        pendingAuth = tag;
                        return "+ \r\n";
                    }
                    return tag + " OK AUTHENTICATE completed\r\n";
                case "SELECT":
                case "EXAMINE":
                    return "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                            + "* 1 EXISTS\r\n* 0 RECENT\r\n"
                            + "* OK [UIDVALIDITY 1] UIDs valid\r\n* OK [UIDNEXT 2] Predicted next UID\r\n"
                            + tag + (command.equals("SELECT") ? " OK [READ-WRITE] SELECT" : " OK [READ-ONLY] EXAMINE")
                            + " completed\r\n";
                case "LIST":
                case "LSUB":
                    return "* " + command + " (\\HasNoChildren) \"/\" INBOX\r\n" + tag + " OK " + command + " completed\r\n";
                case "STATUS":
                    return "* STATUS INBOX (MESSAGES 1 RECENT 0 UIDNEXT 2 UIDVALIDITY 1 UNSEEN 0)\r\n"
                            + tag + " OK STATUS completed\r\n";
                case "ID":
                    return "* ID (\"name\" \"starttls4j-interop\")\r\n" + tag + " OK ID completed\r\n";
                case "NAMESPACE":
                    return "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n" + tag + " OK NAMESPACE completed\r\n";
                case "NOOP":
                case "CHECK":
                case "CLOSE":
                case "UNSELECT":
                case "ENABLE":
                    return tag + " OK " + command + " completed\r\n";
                case "STARTTLS":
                    return facts.encrypted() ? Imap.startTlsAfterTlsResponse(tag) : tag + " BAD STARTTLS not available now\r\n";
                case "LOGOUT":
                    return goodbye("LOGOUT", "* BYE logging out\r\n" + tag + " OK LOGOUT completed\r\n");
                default:
                    return tag + " BAD unknown command\r\n";
            }
        }

        private String imapCapabilities() {
            List<String> names = new ArrayList<>();
            for (Capability c : config.capabilitiesBeforeTls().list()) {
                if (!c.is("STARTTLS")) {
                    names.add(c.toString());
                }
            }
            return String.join(" ", names);
        }

        private String pop3(String line) {
            if (pendingAuth != null) {
                pendingAuth = null;
                return line.equals("*") ? "-ERR authentication cancelled\r\n" : "+OK authenticated\r\n";
            }
            String verb = word(line, 0);
            String argument = rest(line, 1);
            int size = MAILBOX_MESSAGE.length();
            switch (verb) {
                case "CAPA":
                    return facts.encrypted() ? Pop3.capaReplyAfterTls(config) : capaPlain();
                case "USER":
                    return "+OK send PASS\r\n";
                case "PASS":
                    return "+OK maildrop locked and ready\r\n";
                case "AUTH":
                    if (argument.isEmpty()) {
                        return "+OK\r\nPLAIN\r\n.\r\n";
                    }
                    if (!word(argument, 0).equals("PLAIN")) {
                        return "-ERR unsupported mechanism\r\n";
                    }
                    if (rest(argument, 1).isEmpty()) {
                        pendingAuth = "PLAIN";
                        return "+ \r\n";
                    }
                    return "+OK authenticated\r\n";
                case "STAT":
                    return "+OK 1 " + size + "\r\n";
                case "LIST":
                    return argument.isEmpty() ? "+OK 1 messages\r\n1 " + size + "\r\n.\r\n"
                            : argument.equals("1") ? "+OK 1 " + size + "\r\n" : "-ERR no such message\r\n";
                case "UIDL":
                    return argument.isEmpty() ? "+OK\r\n1 interop-0001\r\n.\r\n"
                            : argument.equals("1") ? "+OK 1 interop-0001\r\n" : "-ERR no such message\r\n";
                case "RETR":
                    return argument.equals("1") ? "+OK " + size + " octets\r\n" + MAILBOX_MESSAGE + ".\r\n"
                            : "-ERR no such message\r\n";
                case "TOP":
                    return word(argument, 0).equals("1")
                            ? "+OK\r\n" + MAILBOX_MESSAGE.substring(0, MAILBOX_MESSAGE.indexOf("\r\n\r\n") + 4) + ".\r\n"
                            : "-ERR no such message\r\n";
                case "DELE":
                case "RSET":
                case "NOOP":
                    return "+OK\r\n";
                case "STLS":
                    return facts.encrypted() ? Pop3.REPLY_TLS_ALREADY_ACTIVE : "-ERR STLS not available now\r\n";
                case "QUIT":
                    return goodbye("QUIT", "+OK bye\r\n");
                default:
                    return "-ERR unknown command\r\n";
            }
        }

        private String capaPlain() {
            StringBuilder reply = new StringBuilder("+OK Capability list follows\r\n");
            for (Capability c : config.capabilitiesBeforeTls().list()) {
                reply.append(c).append("\r\n");
            }
            return reply.append(".\r\n").toString();
        }

        private String goodbye(String command, String reply) {
            closeRequested = true;
            endedBy = command;
            return reply;
        }

        private String word(String line, int index) {
            String[] words = line.trim().split(" +");
            return index < words.length ? words[index].toUpperCase(Locale.ROOT) : "";
        }

        private String rest(String line, int from) {
            String s = line.trim();
            for (int i = 0; i < from; i++) {
                int space = s.indexOf(' ');
                if (space < 0) {
                    return "";
                }
                s = s.substring(space + 1).trim();
            }
            return s;
        }
    }
}
