package org.starttls4j;

import java.util.Objects;

/** What a {@link ServerDialog} decided after one command. */
public sealed interface ServerStep {

    /**
     * Answer and keep reading commands.
     *
     * @param next the dialog to feed next
     * @param send the reply, CRLF included; empty for none
     */
    record Reply(ServerDialog next, String send) implements ServerStep {
        /**
         * Checks the components are present.
         *
         * @param next the dialog to feed next
         * @param send the reply, CRLF included; empty for none
         */
        public Reply {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(send, "send");
        }
    }

    /**
     * Accept STARTTLS: send the go-ahead in plaintext, then the TLS handshake. A byte received
     * after the command fails the negotiation with {@code PLAINTEXT_INJECTION} instead.
     *
     * @param send the go-ahead reply, CRLF included
     */
    record GoAhead(String send) implements ServerStep {
    }

    /**
     * This command is not the negotiation's: hand the connection over in plaintext with the
     * command unread. Only for policies that allow plaintext.
     *
     * @param capabilities what was announced in plaintext
     */
    record HandOver(Capabilities capabilities) implements ServerStep {
    }

    /**
     * End the negotiation (the client quit, or broke the protocol).
     *
     * @param failure why
     * @param send    the last reply, CRLF included, or empty
     */
    record Close(Failure failure, String send) implements ServerStep {
    }
}
