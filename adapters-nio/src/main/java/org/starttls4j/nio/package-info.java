/**
 * starttls4j over {@code java.nio} channels: a thin layer that moves bytes between sockets and the
 * core's {@link org.starttls4j.Negotiation}, and adds no protocol logic.
 *
 * <ul>
 *   <li>{@link org.starttls4j.nio.NioClient}: blocking client — connect, negotiate, get a channel
 *       and a report, or a {@link org.starttls4j.nio.NegotiationException} with the typed
 *       failure.</li>
 *   <li>{@link org.starttls4j.nio.NonBlockingNegotiation}: the same negotiation driven by the
 *       caller's own selector loop.</li>
 *   <li>{@link org.starttls4j.nio.NioServer}: a one-thread selector acceptor that negotiates many
 *       connections and hands each finished one to a callback.</li>
 *   <li>{@link org.starttls4j.nio.SecureChannel} and {@link org.starttls4j.nio.PlaintextChannel}:
 *       the two kinds of {@link org.starttls4j.nio.NegotiatedChannel} an application gets.</li>
 *   <li>{@link org.starttls4j.nio.BufferPool}: where their network buffers come from.</li>
 * </ul>
 *
 * <p>A protocol is passed as its entry point, a function from configuration to negotiation
 * ({@code Smtp::client}, {@code Imap::server}, ...), so this package names no protocol.
 */
package org.starttls4j.nio;
