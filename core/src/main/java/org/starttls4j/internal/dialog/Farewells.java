package org.starttls4j.internal.dialog;

import org.starttls4j.Failure;

/**
 * What a server sends when the negotiation ends, by reason, the same rule in every protocol: its
 * own words for each bound a client can hit, and nothing at all after a plaintext injection (not
 * one more byte in plaintext once STARTTLS was received). Each text is CRLF-terminated, or empty
 * to close without a word; {@code %s} in a text stands for the server's host name.
 *
 * @param timeout          the client said nothing for too long
 * @param lineTooLong      a line, or a command of several lines, over the bound
 * @param tooManyCommands  more commands before STARTTLS than the bound
 * @param busy             instead of the greeting, when the server is too busy
 * @param malformed        a bare CR, LF or NUL
 * @param tooMuchPlaintext more plaintext than the bound
 * @param closing          any other reason
 */
public record Farewells(String timeout, String lineTooLong, String tooManyCommands, String busy, String malformed,
                        String tooMuchPlaintext, String closing) {

    /**
     * The text for {@code reason}.
     *
     * @param reason   why the negotiation ends
     * @param hostname the server's host name
     * @return the text, CRLF included, or empty
     */
    public String of(Failure.Reason reason, String hostname) {
        return text(reason).replace("%s", hostname);
    }

    private String text(Failure.Reason reason) {
        switch (reason) {
            case PLAINTEXT_INJECTION:
                // Nothing more in plaintext once STARTTLS was received; just close.
                return "";
            case TIMEOUT:
                return timeout;
            case LINE_TOO_LONG:
            case COMMAND_TOO_LONG:
                return lineTooLong;
            case TOO_MANY_COMMANDS:
                return tooManyCommands;
            case SERVER_BUSY:
                return busy;
            case MALFORMED_COMMAND:
                return malformed;
            case TOO_MUCH_PLAINTEXT:
                return tooMuchPlaintext;
            default:
                return closing;
        }
    }
}
