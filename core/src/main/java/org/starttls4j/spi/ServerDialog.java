package org.starttls4j.spi;

import org.starttls4j.Failure;

/**
 * A protocol's server side, as an immutable state machine over command lines: the one interface a
 * new protocol implements for the server role.
 */
public interface ServerDialog {

    /** The state's name, for diagnostics (e.g. {@code "AwaitingCommand"}). */
    String state();

    /** The connection is open (or, for implicit TLS, the handshake is done): greet. */
    ServerStep start();

    /**
     * One complete command line from the client.
     *
     * @param line the line without CRLF, one ISO-8859-1 character per byte
     * @return what to do
     */
    ServerStep onLine(String line);

    /** The reply to send when the negotiation ends for {@code reason} (e.g. a 421), or empty. */
    String farewell(Failure.Reason reason);
}
