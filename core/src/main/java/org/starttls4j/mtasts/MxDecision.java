package org.starttls4j.mtasts;

import java.util.Objects;
import org.starttls4j.ClientConfig;
import org.starttls4j.tlsrpt.ResultType;

/** How to deliver to one MX host under an MTA-STS policy: the answer of {@link MtaSts#decide}. */
public sealed interface MxDecision {

    /**
     * Deliver with this configuration: required STARTTLS, TLS 1.2 or newer, a PKIX certificate
     * naming the MX host.
     *
     * @param config       the client configuration to negotiate with
     * @param failureFinal {@code true} under {@link StsMode#ENFORCE}: if the negotiation fails, do
     *                     not deliver to this MX. {@code false} under {@link StsMode#TESTING}:
     *                     report the failure (TLS-RPT) and deliver as if there were no policy.
     */
    record Deliver(ClientConfig config, boolean failureFinal) implements MxDecision {
        /**
         * Checks the configuration is present.
         *
         * @param config the client configuration to negotiate with
         * @param failureFinal {@code true} under {@link StsMode#ENFORCE}: if the negotiation fails, do not
         *                     deliver to this MX. {@code false} under {@link StsMode#TESTING}: report the
         *                     failure (TLS-RPT) and deliver as if there were no policy.
         */
        public Deliver {
            Objects.requireNonNull(config, "config");
        }
    }

    /**
     * Deliver as if the domain had no MTA-STS policy (mode {@code none}, or a {@code testing}
     * policy that does not list this MX, which is reported).
     *
     * @param report the failure to report, or null when there is nothing to report
     * @param why    a human-readable explanation
     */
    record WithoutPolicy(ResultType report, String why) implements MxDecision {
        /**
         * Checks the explanation is present.
         *
         * @param report the failure to report, or null when there is nothing to report
         * @param why a human-readable explanation
         */
        public WithoutPolicy {
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * Do not deliver to this MX host: an enforced policy does not list it (RFC 8461 §4.1).
     *
     * @param report the failure to report
     * @param why    a human-readable explanation
     */
    record DoNotDeliver(ResultType report, String why) implements MxDecision {
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
