package org.starttls4j.resolvers;

import java.util.Objects;

/**
 * One MX record's target.
 *
 * @param preference the MX preference; lower is tried first
 * @param host       the host name, lower case, without a trailing dot ({@code "."} for the root
 *                   target of a null MX, RFC 7505)
 */
public record MxHost(int preference, String host) {

    /**
     * Checks the host is present.
     *
     * @param preference the MX preference; lower is tried first
     * @param host the host name, lower case, without a trailing dot ({@code "."} for a null MX)
     */
    public MxHost {
        Objects.requireNonNull(host, "host");
    }
}
