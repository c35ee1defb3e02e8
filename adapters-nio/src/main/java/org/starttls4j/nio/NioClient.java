package org.starttls4j.nio;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;

/**
 * The blocking client: connects, negotiates, and returns the channel, or throws. Every wait has a
 * bound: the connect timeout, then the negotiation's own deadlines
 * ({@link org.starttls4j.Timeouts} in the configuration).
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder("mail.example.com").build();   // REQUIRED by default
 * try (NegotiatedChannel channel = NioClient.create()
 *         .connect(new InetSocketAddress("mail.example.com", 587), config, Smtp::client)) {
 *     NegotiationReport report = channel.report();  // TLS facts, post-TLS capabilities, transcript
 *     channel.write(...); channel.read(...);         // the application's protocol, inside TLS
 * } catch (NegotiationException e) {
 *     e.failure().reason();                          // STARTTLS_NOT_OFFERED, CERTIFICATE_REJECTED, ...
 * }
 * }</pre>
 *
 * <p>The protocol is a function from the configuration to an unstarted negotiation, so any
 * protocol's entry point fits: {@code Smtp::client}, {@code Imap::client}, {@code Pop3::client}.
 * The returned channel is in blocking mode. Under {@link org.starttls4j.TlsPolicy#OPPORTUNISTIC} it
 * may be a {@link PlaintextChannel}: check {@link NegotiatedChannel#isEncrypted()} or the report.
 *
 * <p>Internally the socket is non-blocking and waited on with a private selector, so the same
 * negotiation code serves {@link NonBlockingNegotiation} and this class. An instance is
 * immutable and may be shared.
 */
public final class NioClient {

    private final NioOptions options;

    /** A client with these settings: a builder's, or a server's for a connection it resumes. */
    NioClient(NioOptions options) {
        this.options = options;
    }

    /**
     * A client with the defaults: 30-second connect timeout, shared buffer pool, delegated tasks inline.
     *
     * @return the client
     */
    public static NioClient create() {
        return builder().build();
    }

    /**
     * A builder, with {@link #create()}'s defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects to {@code host:port} and negotiates. The name is resolved first, by the system's
     * resolver and outside the timeouts; the certificate is checked against
     * {@link ClientConfig#serverName()}, not against {@code host}.
     *
     * @param host     the server's host name or address literal
     * @param port     the server's port, e.g. 25, 587, 465, 143, 993, 110, 995
     * @param config   the client configuration
     * @param protocol the protocol's entry point, e.g. {@code Smtp::client}
     * @return the negotiated channel, in blocking mode
     * @throws NegotiationException if the negotiation failed (the connection is closed)
     * @throws IOException          if the name does not resolve, or the connect failed or timed out
     */
    public NegotiatedChannel connect(String host, int port, ClientConfig config,
                                     Function<? super ClientConfig, Negotiation> protocol) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        return connect(address, config, protocol);
    }

    /**
     * Connects to {@code address} and negotiates.
     *
     * @param address  the server
     * @param config   the client configuration (policy, name to verify, trust, timeouts)
     * @param protocol the protocol's entry point, e.g. {@code Smtp::client}
     * @return the negotiated channel, in blocking mode
     * @throws NegotiationException if the negotiation failed (the connection is closed)
     * @throws IOException          if the connect failed or timed out
     */
    public NegotiatedChannel connect(SocketAddress address, ClientConfig config,
                                     Function<? super ClientConfig, Negotiation> protocol) throws IOException {
        return connect(address, protocol.apply(config));
    }

    /**
     * Connects to {@code address} and runs {@code negotiation} on the connection.
     *
     * @param address     the server
     * @param negotiation an unstarted client negotiation
     * @return the negotiated channel, in blocking mode
     * @throws NegotiationException if the negotiation failed (the connection is closed)
     * @throws IOException          if the connect failed or timed out
     */
    public NegotiatedChannel connect(SocketAddress address, Negotiation negotiation) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(negotiation, "negotiation");
        SocketChannel socket = SocketChannel.open();
        try {
            socket.configureBlocking(false);
            socket.connect(address);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return negotiate(socket, negotiation);
    }

    /**
     * Runs {@code negotiation} on a socket that is connected (or whose non-blocking connect is
     * pending). The socket is put in non-blocking mode; on failure it is closed.
     *
     * @param socket      the socket
     * @param negotiation an unstarted negotiation (client or server)
     * @return the negotiated channel, in blocking mode
     * @throws NegotiationException if the negotiation failed
     * @throws IOException          if the connect failed or timed out, or the thread was interrupted
     */
    public NegotiatedChannel negotiate(SocketChannel socket, Negotiation negotiation) throws IOException {
        return negotiate(socket, negotiation, ByteBuffer.allocate(0));
    }

    /** {@link #negotiate(SocketChannel, Negotiation)}, first feeding bytes an application already read (a resume). */
    NegotiatedChannel negotiate(SocketChannel socket, Negotiation negotiation, ByteBuffer alreadyRead) throws IOException {
        NonBlockingNegotiation n = null;
        Selector selector = null;
        NegotiatedChannel channel;
        try {
            selector = Selector.open();
            n = NonBlockingNegotiation.builder(socket, negotiation).options(options, selector::wakeup)
                    .blockingResult(true).alreadyRead(alreadyRead).start();
            if (!n.isFinished()) {
                SelectionKey key = n.register(selector);
                while (!n.isFinished()) {
                    if (Thread.currentThread().isInterrupted()) {
                        n.abort();
                        throw new InterruptedIOException("interrupted while negotiating");
                    }
                    selector.select(Endpoint.READY, n.millisUntilDeadline()); // the key's ready set, no selected-key set
                    n.handle(key);
                }
            }
            channel = n.channel();
            // The channel's blocking reads, and its close's wait for close_notify, wait on this same
            // selector rather than opening one more per connection.
            if (((AbstractNegotiatedChannel<?>) channel).io.adoptReadWaiter(selector)) {
                selector = null;
            }
        } catch (IOException | RuntimeException e) {
            if (n != null) {
                n.abort();
            } else {
                socket.close();
            }
            throw e;
        } finally {
            if (selector != null) {
                selector.close();
            }
        }
        return channel;
    }

    /** Configures a {@link NioClient}: the settings every NIO builder has, and a connect timeout. */
    public static final class Builder extends NioBuilder<Builder> {

        private Builder() {
            super(NioOptions.DEFAULTS);
        }

        /**
         * How long the TCP connect may take; default 30 seconds.
         *
         * @param value the bound
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder connectTimeout(Duration value) {
            return connectTimeoutOption(value);
        }

        /**
         * Where delegated engine tasks run under {@link org.starttls4j.DelegatedTasks#HAND_TO_CALLER};
         * default: on the calling thread, which blocks anyway.
         *
         * @param value the executor
         * @return this builder
         */
        public Builder taskExecutor(Executor value) {
            return taskExecutorOption(value);
        }

        /**
         * The client.
         *
         * @return a client with these settings
         */
        public NioClient build() {
            return new NioClient(options);
        }
    }
}
