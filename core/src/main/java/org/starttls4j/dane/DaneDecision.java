package org.starttls4j.dane;

import java.util.Objects;
import org.starttls4j.ClientConfig;
import org.starttls4j.tlsrpt.ResultType;

/** How to deliver to one MX host given its TLSA lookup: the answer of {@link Dane#decide}. */
public sealed interface DaneDecision {

    /**
     * Deliver with this configuration: STARTTLS required, whatever happens.
     *
     * @param config        the client configuration to negotiate with
     * @param authenticated {@code true} when usable records authenticate the server through
     *                      {@link DaneCheck}; {@code false} when every record was unusable, so
     *                      TLS is mandatory but unauthenticated (RFC 7672 §2.2)
     * @param report        what to report to TLS-RPT even if the session succeeds
     *                      ({@link ResultType#TLSA_INVALID} for an unusable RRset), or null
     */
    record Deliver(ClientConfig config, boolean authenticated, ResultType report) implements DaneDecision {
        /**
         * Checks the configuration is present.
         *
         * @param config the client configuration to negotiate with
         * @param authenticated {@code true} when usable records authenticate the server through {@link
         *                      DaneCheck}; {@code false} when every record was unusable, so TLS is mandatory
         *                      but unauthenticated (RFC 7672 §2.2)
         * @param report what to report to TLS-RPT even if the session succeeds ({@link
         *               ResultType#TLSA_INVALID} for an unusable RRset), or null
         */
        public Deliver {
            Objects.requireNonNull(config, "config");
        }
    }

    /**
     * DANE does not apply to this host (no secure TLSA records): go on as without DANE.
     *
     * @param why a human-readable explanation
     */
    record NotApplicable(String why) implements DaneDecision {
        /**
         * Checks the explanation is present.
         *
         * @param why a human-readable explanation
         */
        public NotApplicable {
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * Do not deliver to this host (try the next MX, or defer).
     *
     * @param report the failure to report
     * @param why    a human-readable explanation
     */
    record DoNotDeliver(ResultType report, String why) implements DaneDecision {
        /**
         * Checks the components are present.
         *
         * @param report the failure to report
         * @param why a human-readable explanation
         */
        public DoNotDeliver {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(why, "why");
        }
    }
}
