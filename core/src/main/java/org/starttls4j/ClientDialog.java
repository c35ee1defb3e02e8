package org.starttls4j;


/**
 * A protocol's client side, as an immutable state machine over lines: the one interface a new
 * protocol implements for the client role. It never sees bytes, TLS or time: the
 * {@link org.starttls4j.Negotiation} frames lines, drives the engine, applies the policy and
 * enforces the bounds and deadlines.
 */
public interface ClientDialog {

    /**
     * The state's name, for diagnostics (e.g. {@code "AwaitingEhloReply"}).
     *
     * @return the state's name, for diagnostics
     */
    String state();

    /**
     * The connection is open (or, for implicit TLS, the handshake is done): usually await the greeting.
     *
     * @param encrypted whether TLS is already up (implicit TLS), so what follows is trustworthy
     * @return what to do
     */
    ClientStep start(boolean encrypted);

    /**
     * One complete line from the server.
     *
     * @param line the line without CRLF, one ISO-8859-1 character per byte
     * @return what to do
     */
    ClientStep onLine(String line);

    /**
     * A line that arrived in the same read as the reply that made the dialog send its last
     * command: the server sent it before it could have seen that command, so it cannot be the
     * answer. Treating it as one is the response-injection bug (a forged reply queued behind a
     * genuine one); by default it is a protocol error. A protocol with unsolicited data (IMAP's
     * untagged responses) may override this to accept some lines.
     *
     * @param line the line without CRLF
     * @return what to do
     */
    default ClientStep onLineBeforeCommandSeen(String line) {
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY,
                "a reply the server sent before it could have seen our command", line), "");
    }

    /**
     * Called on a dialog that returned {@link ClientStep.Ready}, when the policy wants TLS: send STARTTLS.
     *
     * @return the step: the command to send
     */
    ClientStep requestStartTls();

    /**
     * Called on {@link ClientStep.GoAhead#next()} once the handshake is done: forget everything
     * learned before TLS and ask for the capabilities again.
     *
     * @return the step: what to send first inside TLS
     */
    ClientStep restartAfterTls();

    /**
     * What to send when the negotiation gives up in this state (e.g. {@code QUIT\r\n}), or empty.
     *
     * @return what to send when the negotiation gives up in this state, possibly nothing
     */
    String farewell();
}
