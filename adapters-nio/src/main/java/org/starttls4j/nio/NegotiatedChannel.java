package org.starttls4j.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.starttls4j.Session;

/**
 * A mail connection after its negotiation: a {@link SecureChannel} when TLS is up, a
 * {@link PlaintextChannel} when the policy allowed the connection to go on unencrypted. The type
 * says which; so do {@link #isEncrypted()} and {@link #report()}.
 *
 * <p><b>Blocking and non-blocking.</b> The socket underneath is always in non-blocking mode. In
 * blocking mode ({@link #configureBlocking(boolean) configureBlocking(true)}), reads wait for
 * data and writes wait until every byte is out, each for at most {@link #setTimeout} (a
 * {@link java.net.SocketTimeoutException} then). In non-blocking mode, register
 * {@link #socketChannel()} with your {@link java.nio.channels.Selector} and call {@link #read} and
 * {@link #write} on this channel (never on the socket) when it is ready, keeping three rules:
 * <ul>
 *   <li>read while {@link #hasBufferedInput()} before waiting for the socket: bytes that arrived
 *       with the negotiation's last packet, or a second TLS record read together with the first,
 *       are already here and no readiness event will announce them;</li>
 *   <li>a write may keep encrypted bytes the socket did not take: while
 *       {@link #hasPendingOutput()}, ask for {@code OP_WRITE} and call {@link #flush()};</li>
 *   <li>a read returning 0 means "wait for the socket", -1 a clean end of stream.</li>
 * </ul>
 *
 * <p>One thread may read while another writes. {@link #close()} ends the connection properly
 * (for TLS: {@code close_notify} sent and awaited, within a bound) and releases every buffer.
 */
public sealed interface NegotiatedChannel extends ByteChannel, GatheringByteChannel, ScatteringByteChannel
        permits SecureChannel, PlaintextChannel {

    /**
     * What the negotiation did: events, TLS facts, capabilities, and why not encrypted when not.
     *
     * @return what the negotiation did
     */
    NegotiationReport report();

    /**
     * The core's session: a {@link org.starttls4j.SecureSession} or a {@link org.starttls4j.PlaintextSession}.
     *
     * @return the core's session
     */
    Session session();

    /**
     * Whether the connection is encrypted.
     *
     * @return whether the connection is encrypted
     */
    boolean isEncrypted();

    /**
     * The socket, for registering with a selector and for socket options. Never read or write it
     * directly: that would bypass TLS and the bytes this channel holds.
     *
     * @return the socket, for registering with a selector and for socket options
     */
    SocketChannel socketChannel();

    /**
     * The peer's address, or null if the socket is not connected.
     *
     * @return the peer's address, or null if the socket is not connected
     */
    SocketAddress remoteAddress();

    /**
     * Switches between blocking and non-blocking behaviour (see the class comment).
     *
     * @param block whether reads and writes wait
     * @return this channel
     */
    NegotiatedChannel configureBlocking(boolean block);

    /**
     * Whether reads and writes wait.
     *
     * @return whether reads and writes wait
     */
    boolean isBlocking();

    /**
     * The longest a blocking read or write waits for the socket; zero (the default) waits as long
     * as it takes.
     *
     * @param timeout the bound, zero for none
     */
    void setTimeout(Duration timeout);

    /**
     * Whether a read would return bytes without touching the socket. A selector loop must read
     * until this is false before it waits for {@code OP_READ} again.
     *
     * @return whether a read would return bytes without touching the socket
     */
    boolean hasBufferedInput();

    /**
     * Whether written bytes wait for the socket to accept them (ask for {@code OP_WRITE} and {@link #flush()}).
     *
     * @return whether written bytes wait for the socket to accept them (ask for {@code OP_WRITE} and {@link
     *         #flush()})
     */
    boolean hasPendingOutput();

    /**
     * Writes bytes waiting from earlier writes; in blocking mode waits until all are out.
     *
     * @return true when nothing is left waiting
     * @throws IOException if the socket fails
     */
    boolean flush() throws IOException;

    /**
     * Ends our side of the connection and keeps reading possible (a half-close): for TLS, sends
     * {@code close_notify}; then shuts the socket's output down. Waits for the socket to accept the
     * bytes at most for the close timeout.
     *
     * @throws IOException if the socket fails
     */
    void shutdownOutput() throws IOException;
}
