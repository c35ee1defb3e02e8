package org.starttls4j.nio;

import java.io.IOException;
import org.starttls4j.Failure;

/**
 * A negotiation ended in failure: the peer did not offer or refused STARTTLS under a policy that
 * requires it, the handshake or the certificate failed, the peer misbehaved, closed or did not
 * answer in time. {@link #failure()} says which, with a stable {@link Failure.Reason}. By the time
 * this is thrown, the bytes the negotiation had to send before closing (an SMTP {@code QUIT}, a
 * TLS alert) have been written and the connection is closed.
 */
public final class NegotiationException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient NegotiationReport report;

    /**
     * An exception for a failed negotiation.
     *
     * @param report the report, whose {@link NegotiationReport#failure()} is present
     */
    public NegotiationException(NegotiationReport report) {
        super(report.failure().orElseThrow(() -> new IllegalArgumentException("the report has no failure")).toString());
        this.report = report;
    }

    /**
     * Why the negotiation failed (not kept by serialization).
     *
     * @return why the negotiation failed (not kept by serialization)
     */
    public Failure failure() {
        return report.failure().orElseThrow();
    }

    /**
     * Everything that happened before it failed (not kept by serialization).
     *
     * @return everything that happened before it failed (not kept by serialization)
     */
    public NegotiationReport report() {
        return report;
    }
}
