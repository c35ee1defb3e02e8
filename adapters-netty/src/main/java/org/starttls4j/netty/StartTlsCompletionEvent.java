package org.starttls4j.netty;

import java.util.List;
import java.util.Objects;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.EventLog;
import org.starttls4j.Failure;
import org.starttls4j.PlaintextSession;
import org.starttls4j.Role;
import org.starttls4j.TlsFacts;

/**
 * The user event a {@link StartTlsHandler} fires exactly once, when its negotiation ends: in the
 * spirit of Netty's {@code SslHandshakeCompletionEvent} (which, when TLS was tried, fires before
 * it, from the {@code SslHandler}), but with the three outcomes a mail connection can have. It is fired before any application byte travels up the pipeline, so a
 * handler may install the application's codecs in {@code userEventTriggered} and still see every
 * byte.
 *
 * <p>{@link #events()} is the negotiation's record: every event, and its transcript bounded as a
 * server facing the Internet needs it: the first 64
 * lines, then an {@link Event.TranscriptTruncated} (a long transcript is a hostile or broken
 * peer's). Its {@link Event.Line}s are made when the list is first read: an application that
 * never reads them pays for none. An {@link Event.Secured} in it names a session whose TLS is Netty's {@code SslHandler}:
 * its facts are this event's, and its record-layer methods throw.
 */
public sealed interface StartTlsCompletionEvent {

    /**
     * Everything the negotiation reported, in order.
     *
     * @return the events; the {@link Event.Line}s among them are the (bounded) transcript
     */
    List<Event> events();

    /**
     * Whether the connection the application now owns is encrypted.
     *
     * @return true only for {@link Secured}
     */
    default boolean isEncrypted() {
        return this instanceof Secured;
    }

    /**
     * TLS is up: Netty's {@code SslHandler} stays in the pipeline and carries plaintext
     * {@code ByteBuf}s through TLS in both directions; the negotiation's handler removes itself
     * right after this event (and after the application bytes that came with the negotiation's
     * last ones).
     *
     * @param role         which end we are
     * @param tls          the negotiated protocol, cipher suite and certificates
     * @param capabilities for a client, the capabilities the server announced inside TLS; for a
     *                     server, those it is configured to announce after TLS
     * @param events       everything the negotiation reported, in order
     */
    record Secured(Role role, TlsFacts tls, Capabilities capabilities, List<Event> events)
            implements StartTlsCompletionEvent {

        /**
         * Checks the components and keeps an immutable copy of the events ({@link EventLog#copyOf}: an
         * {@code EventLog}'s list as it is, its lines still unmade).
         *
         * @param role which end we are
         * @param tls the negotiated protocol, cipher suite and certificates
         * @param capabilities for a client, the capabilities the server announced inside TLS; for a server,
         *                     those it is configured to announce after TLS
         * @param events everything the negotiation reported, in order
         */
        public Secured {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(capabilities, "capabilities");
            events = EventLog.copyOf(events);
        }
    }

    /**
     * The connection goes on unencrypted, as the policy allows ({@code OPPORTUNISTIC} or
     * {@code PLAINTEXT_ONLY}). The handler passes {@link PlaintextSession#unread()} up the pipeline
     * right after this event, then removes itself.
     *
     * @param session the plaintext connection's state, with why it is not encrypted
     * @param events  everything the negotiation reported, in order
     */
    record Plaintext(PlaintextSession session, List<Event> events) implements StartTlsCompletionEvent {

        /**
         * Checks the components and keeps an immutable copy of the events ({@link EventLog#copyOf}: an
         * {@code EventLog}'s list as it is, its lines still unmade).
         *
         * @param session the plaintext connection's state, with why it is not encrypted
         * @param events everything the negotiation reported, in order
         */
        public Plaintext {
            Objects.requireNonNull(session, "session");
            events = EventLog.copyOf(events);
        }
    }

    /**
     * The negotiation failed. The handler has written what the negotiation had to say before
     * closing (a {@code QUIT}, a {@code 421}, a TLS alert) and closes the channel.
     *
     * @param failure why
     * @param events  everything the negotiation reported, in order
     */
    record Failed(Failure failure, List<Event> events) implements StartTlsCompletionEvent {

        /**
         * Checks the components and keeps an immutable copy of the events ({@link EventLog#copyOf}: an
         * {@code EventLog}'s list as it is, its lines still unmade).
         *
         * @param failure why
         * @param events everything the negotiation reported, in order
         */
        public Failed {
            Objects.requireNonNull(failure, "failure");
            events = EventLog.copyOf(events);
        }
    }
}
