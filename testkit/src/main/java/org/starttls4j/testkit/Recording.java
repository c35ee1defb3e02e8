package org.starttls4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Everything a server of the kit received, in order, across connections: each command with the
 * layer it arrived in, the credentials decoded from them, the messages delivered, and short notes
 * on what happened at the TLS layer (handshakes, failures). Thread-safe: connections are served on
 * their own threads.
 *
 * <p>Assert on it with {@link StartTlsAssertions#assertThat(Recording)}; its {@link #toString()}
 * is a readable transcript, so a failing assertion shows what the client did.
 */
public final class Recording {

    private final MailProtocol protocol;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<ReceivedCommand> commands = new ArrayList<>();
    private final List<Credentials> credentials = new ArrayList<>();
    private final List<DeliveredMessage> messages = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * An empty recording.
     *
     * @param protocol the protocol of the server that records
     */
    public Recording(MailProtocol protocol) {
        this.protocol = protocol;
    }

    /**
     * The protocol of the server that records.
     *
     * @return SMTP, IMAP or POP3
     */
    public MailProtocol protocol() {
        return protocol;
    }

    /**
     * Counts a new connection.
     *
     * @return its number, from 1
     */
    public int connectionOpened() {
        return connections.incrementAndGet();
    }

    /**
     * How many connections were accepted.
     *
     * @return the count since the start or the last {@link #clear()}
     */
    public int connections() {
        return connections.get();
    }

    /**
     * Adds a received command.
     *
     * @param command the command
     */
    public synchronized void add(ReceivedCommand command) {
        commands.add(command);
    }

    /**
     * Adds decoded credentials.
     *
     * @param login the credentials
     */
    public synchronized void add(Credentials login) {
        credentials.add(login);
    }

    /**
     * Adds a delivered message.
     *
     * @param message the message
     */
    public synchronized void add(DeliveredMessage message) {
        messages.add(message);
    }

    /**
     * Adds a note on something that is not a command (a TLS handshake, a failure).
     *
     * @param connection the connection's number
     * @param note       what happened, in words
     */
    public synchronized void note(int connection, String note) {
        notes.add("#" + connection + " " + note);
    }

    /**
     * Every command received, in order.
     *
     * @return a copy of the list
     */
    public synchronized List<ReceivedCommand> commands() {
        return List.copyOf(commands);
    }

    /**
     * The commands received in one layer.
     *
     * @param layer plaintext or TLS
     * @return those commands, in order
     */
    public synchronized List<ReceivedCommand> commands(Layer layer) {
        return commands.stream().filter(c -> c.layer() == layer).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The commands received in plaintext that are not part of the STARTTLS negotiation (see
     * {@link MailProtocol#isNegotiation(String)}): what a client that requires TLS must never send.
     *
     * @return those commands, in order
     */
    public synchronized List<ReceivedCommand> beyondNegotiationInPlaintext() {
        return commands.stream().filter(c -> c.layer() == Layer.PLAINTEXT && !protocol.isNegotiation(c.line()))
                .collect(Collectors.toUnmodifiableList());
    }

    /**
     * The credentials decoded from the commands.
     *
     * @return a copy of the list, in order
     */
    public synchronized List<Credentials> credentials() {
        return List.copyOf(credentials);
    }

    /**
     * The messages delivered (SMTP).
     *
     * @return a copy of the list, in order
     */
    public synchronized List<DeliveredMessage> messages() {
        return List.copyOf(messages);
    }

    /**
     * Notes on the TLS layer and on connections, e.g. {@code "#1 TLS established: TLSv1.3 …"}.
     *
     * @return a copy of the list, in order
     */
    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * What one connection did, as a recording of its own.
     *
     * @param connection the connection's number
     * @return a new recording holding that connection's commands, credentials, messages and notes
     */
    public synchronized Recording connection(int connection) {
        Recording one = new Recording(protocol);
        one.connections.set(1);
        commands.stream().filter(c -> c.connection() == connection).forEach(one.commands::add);
        credentials.stream().filter(c -> c.connection() == connection).forEach(one.credentials::add);
        messages.stream().filter(m -> m.connection() == connection).forEach(one.messages::add);
        notes.stream().filter(n -> n.startsWith("#" + connection + " ")).forEach(one.notes::add);
        return one;
    }

    /** Forgets everything recorded, and restarts the connection count. */
    public synchronized void clear() {
        commands.clear();
        credentials.clear();
        messages.clear();
        notes.clear();
        connections.set(0);
    }

    /**
     * A transcript: every command with its layer, then notes, credentials and messages.
     *
     * @return several lines of text
     */
    @Override
    public synchronized String toString() {
        StringBuilder s = new StringBuilder(protocol + " recording, " + connections.get() + " connection(s)\n");
        commands.forEach(c -> s.append("  ").append(c).append('\n'));
        notes.forEach(n -> s.append("  note ").append(n).append('\n'));
        credentials.forEach(c -> s.append("  login ").append(c).append('\n'));
        messages.forEach(m -> s.append("  message ").append(m).append('\n'));
        return s.toString();
    }
}
