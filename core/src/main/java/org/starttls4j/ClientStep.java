package org.starttls4j;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link ClientDialog} decided after one input. The negotiation applies the policy to it:
 * dialogs describe the protocol, the negotiation decides what TLS requires.
 */
public sealed interface ClientStep {

    /**
     * Keep reading; a reply is outstanding (or the greeting is awaited).
     *
     * @param next   the dialog to feed next
     * @param send   a command to send now, CRLF included; empty for none
     * @param events what the line meant (e.g. {@link Event.GreetingReceived})
     */
    record Await(ClientDialog next, String send, List<Event> events) implements ClientStep {
        /**
         * Copies the events.
         *
         * @param next the dialog to feed next
         * @param send a command to send now, CRLF included; empty for none
         * @param events what the line meant (e.g. {@link Event.GreetingReceived})
         */
        public Await {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(send, "send");
            events = List.copyOf(events);
        }

        /**
         * Await the next line, sending {@code send}, with no event.
         *
         * @param next the dialog to feed next
         * @param send a command to send now, CRLF included; empty for none
         * @return the step
         */
        public static Await sending(ClientDialog next, String send) {
            return new Await(next, send, List.of());
        }
    }

    /**
     * The capabilities are known and no command is outstanding. The negotiation then asks for
     * STARTTLS ({@link ClientDialog#requestStartTls()}), hands over, or fails, per the policy.
     *
     * @param next         the idle dialog
     * @param capabilities what the server announced in the current layer (plaintext or TLS)
     * @param offer        whether STARTTLS was announced
     * @param events       what the last line meant besides the capabilities (e.g. a greeting that
     *                     carried them)
     */
    record Ready(ClientDialog next, Capabilities capabilities, StartTlsOffer offer, List<Event> events) implements ClientStep {
        /**
         * Copies the events.
         *
         * @param next the idle dialog
         * @param capabilities what the server announced in the current layer (plaintext or TLS)
         * @param offer whether STARTTLS was announced
         * @param events what the last line meant besides the capabilities (e.g. a greeting that carried
         *               them)
         */
        public Ready {
            events = List.copyOf(events);
        }

        /**
         * Ready with no further event.
         *
         * @param next the idle dialog
         * @param capabilities what the server announced in the current layer (plaintext or TLS)
         * @param offer whether STARTTLS was announced
         */
        public Ready(ClientDialog next, Capabilities capabilities, StartTlsOffer offer) {
            this(next, capabilities, offer, List.of());
        }
    }

    /**
     * The go-ahead for STARTTLS was read. Nothing after it may be read in plaintext.
     *
     * @param next the dialog to restart after the handshake ({@link ClientDialog#restartAfterTls()})
     */
    record GoAhead(ClientDialog next) implements ClientStep {
    }

    /**
     * STARTTLS cannot happen on this connection (refused, or IMAP PREAUTH), and the dialog is idle
     * in plaintext. Under {@code OPPORTUNISTIC} the connection is handed over; under
     * {@code REQUIRED} it fails with {@code why} after sending {@link ClientDialog#farewell()}.
     *
     * @param next         the idle dialog
     * @param why          the failure this is under {@code REQUIRED}
     * @param capabilities what the server announced, for a plaintext hand-over
     * @param events       what the last line meant (e.g. a PREAUTH greeting)
     */
    record NoTls(ClientDialog next, Failure why, Capabilities capabilities, List<Event> events) implements ClientStep {
        /**
         * Copies the events.
         *
         * @param next the idle dialog
         * @param why the failure this is under {@code REQUIRED}
         * @param capabilities what the server announced, for a plaintext hand-over
         * @param events what the last line meant (e.g. a PREAUTH greeting)
         */
        public NoTls {
            events = List.copyOf(events);
        }

        /**
         * NoTls with no further event.
         *
         * @param next the idle dialog
         * @param why the failure this is under {@code REQUIRED}
         * @param capabilities what the server announced, for a plaintext hand-over
         */
        public NoTls(ClientDialog next, Failure why, Capabilities capabilities) {
            this(next, why, capabilities, List.of());
        }
    }

    /**
     * The negotiation fails whatever the policy.
     *
     * @param failure why
     * @param send    what to send before closing (a QUIT where the dialog can say it), or empty
     */
    record Fail(Failure failure, String send) implements ClientStep {
    }
}
