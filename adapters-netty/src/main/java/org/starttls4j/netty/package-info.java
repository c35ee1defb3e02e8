/**
 * starttls4j in a Netty pipeline.
 *
 * <p>{@link org.starttls4j.netty.StartTlsClientHandler} and
 * {@link org.starttls4j.netty.StartTlsServerHandler} run a starttls4j negotiation (SMTP, IMAP,
 * POP3, any protocol of the core) as soon as the channel is active, fire exactly one
 * {@link org.starttls4j.netty.StartTlsCompletionEvent} when it ends, and then step out of the
 * pipeline: after STARTTLS they leave Netty's own {@link io.netty.handler.ssl.SslHandler} in their
 * place (it ran the handshake; its {@code SslHandshakeCompletionEvent} reached the application
 * first), after a plaintext hand-over nothing; after a failure they close the channel. All
 * protocol rules live in the core; the handlers only move bytes, keep time and respect Netty's
 * manners (back-pressure, {@code autoRead}, coalesced flushes, reference counting, no blocking on
 * the event loop). A server's handler holds little whatever its peer
 * sends (it stops reading while its answers do not leave), refuses the application's writes while
 * it negotiates, answers "too busy" beyond a shared {@link org.starttls4j.netty.NegotiationCapacity},
 * and is the only way back into a negotiation after a plaintext hand-over
 * ({@link org.starttls4j.netty.StartTlsServerHandler#resume}).
 */
package org.starttls4j.netty;
