package org.starttls4j.testing.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.starttls4j.ServerConfig;

/**
 * What an adapter's test glue provides so the shared scenarios can run real clients against a
 * starttls4j server: start one on 127.0.0.1 for a protocol and a configuration, with a
 * {@link Responder} behind it. Each adapter (NIO, Netty) implements this once.
 */
@FunctionalInterface
public interface StartTlsServers {

    /**
     * Starts a server on a free port of 127.0.0.1. Every accepted connection runs a fresh server
     * negotiation of {@code protocol} with {@code config}; a connection it hands over (secured, or
     * plaintext where the policy allows) is answered by {@code responder.open(…)}, and one that
     * fails is reported with {@link Responder#negotiationFailed}.
     *
     * @param protocol  which negotiation to run ({@code Smtp.server}, {@code Imap.server}, {@code Pop3.server})
     * @param config    the server configuration, also the responder's
     * @param responder the application behind the server
     * @return the running server; closing it stops accepting and closes every connection
     * @throws IOException when it cannot listen
     */
    Running start(MailProtocol protocol, ServerConfig config, Responder responder) throws IOException;

    /** A server the test owns. */
    interface Running extends AutoCloseable {

        /** Where it listens (127.0.0.1 and its port). */
        InetSocketAddress address();

        /** Stops accepting and closes every connection; must not throw. */
        @Override
        void close();
    }
}
