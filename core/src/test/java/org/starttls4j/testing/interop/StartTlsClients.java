package org.starttls4j.testing.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.starttls4j.ClientConfig;

/**
 * What an adapter's test glue provides so the shared scenarios can run a starttls4j client
 * against real servers: connect, negotiate, and then talk lines over whatever the negotiation
 * handed over. Each adapter (NIO, Netty) implements this once.
 */
@FunctionalInterface
public interface StartTlsClients {

    /**
     * Connects to {@code address} and runs a client negotiation of {@code protocol} with
     * {@code config}, blocking until it ends.
     *
     * @param protocol which negotiation to run ({@code Smtp.client}, {@code Imap.client}, {@code Pop3.client})
     * @param address  the server (always on 127.0.0.1 here)
     * @param config   the client configuration
     * @return the connection with the negotiation's report; when the negotiation failed, the report
     *         says so and the connection is already closed
     * @throws IOException when the connection itself fails
     */
    Connection connect(MailProtocol protocol, InetSocketAddress address, ClientConfig config) throws IOException;

    /** A negotiated client connection, used line by line by the scenarios. */
    interface Connection extends AutoCloseable {

        /** What the negotiation did. */
        ClientReport report();

        /**
         * Sends text as ISO-8859-1 bytes, exactly as given (the caller includes CRLF), through the
         * session (encrypted when the negotiation secured it).
         *
         * @param text the text
         * @throws IOException when writing fails
         */
        void send(String text) throws IOException;

        /**
         * Reads the next line the server sent, without its CRLF, waiting at most {@code timeout}.
         *
         * @param timeout how long to wait
         * @return the line
         * @throws IOException when reading fails, the stream ends, or the time runs out
         */
        String readLine(Duration timeout) throws IOException;

        /** Closes the connection (close_notify first when secured); must not throw. */
        @Override
        void close();
    }
}
