package org.starttls4j.nio;

import java.io.IOException;

/**
 * The peer's end of the stream arrived without a TLS {@code close_notify}: what was received may
 * have been cut off by an attacker or a crash. A clean close is not an exception: it is a read
 * returning -1.
 */
public final class TlsTruncationException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what happened
     */
    public TlsTruncationException(String message) {
        super(message);
    }
}
