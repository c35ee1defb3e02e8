package org.starttls4j;


/**
 * A protocol's server side, as an immutable state machine over command lines: the one interface a
 * new protocol implements for the server role.
 */
public interface ServerDialog {

    /**
     * The state's name, for diagnostics. By default {@code "AwaitingCommand"}: most server dialogs
     * have that one state before TLS (they answer each command from the configuration alone), and
     * only a dialog with more states (IMAP's, skipping a literal) names them.
     *
     * @return the state's name, for diagnostics
     */
    default String state() {
        return "AwaitingCommand";
    }

    /**
     * Whether the next line is data of a literal the dialog is reading (IMAP's or ManageSieve's
     * {@code {n+}}), not a command. The transcript then keeps the line's length, not its text
     * (see {@link Event.Line#text()}): a literal may carry a credential, such as the password of an
     * IMAP {@code LOGIN} refused before TLS, in a line that an application masking command lines
     * cannot recognise. By default false.
     *
     * @return true while the dialog reads a literal's data
     */
    default boolean readsLiteral() {
        return false;
    }

    /**
     * The connection is open (or, for implicit TLS, the handshake is done): greet.
     *
     * @return the step: the greeting to send
     */
    ServerStep start();

    /**
     * One complete command line from the client.
     *
     * @param line the line without CRLF, one ISO-8859-1 character per byte
     * @return what to do
     */
    ServerStep onLine(String line);

    /**
     * The reply to send when the negotiation ends for {@code reason} (e.g. a 421), or empty. Called
     * on a dialog before its greeting too: for {@link Failure.Reason#SERVER_BUSY} the answer is the
     * protocol's "too busy" reply sent instead of the greeting (SMTP {@code 421 4.3.2}, IMAP
     * {@code * BYE [UNAVAILABLE]}, POP3 {@code -ERR [SYS/TEMP]}); for
     * {@link Failure.Reason#TOO_MANY_COMMANDS} it replaces the answer to the command over the bound.
     *
     * @param reason why the negotiation ends
     * @return the reply, CRLF included, or empty for none
     */
    String farewell(Failure.Reason reason);
}
