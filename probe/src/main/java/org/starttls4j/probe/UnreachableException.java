package org.starttls4j.probe;

import java.io.IOException;

/** The server could not be reached: the name did not resolve, or the TCP connect failed or timed out (exit status 3). */
public final class UnreachableException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception saying why {@code where} was not reached.
     *
     * @param where the host and port, or URL
     * @param cause what the connect attempt said
     */
    public UnreachableException(String where, Throwable cause) {
        super("cannot reach " + where + ": " + describe(cause), cause);
    }

    private static String describe(Throwable cause) {
        String name = cause.getClass().getSimpleName();
        return cause.getMessage() == null ? name : name + ": " + cause.getMessage();
    }
}
