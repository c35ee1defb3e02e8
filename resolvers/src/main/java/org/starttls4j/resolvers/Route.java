package org.starttls4j.resolvers;

import java.util.Objects;
import java.util.Optional;
import org.starttls4j.ClientConfig;
import org.starttls4j.tlsrpt.AppliedPolicy;
import org.starttls4j.tlsrpt.ResultType;

/** How to deliver to one MX host of a {@link DeliveryPlan}, in MX preference order. */
public sealed interface Route {

    /**
     * The MX host this route is about.
     *
     * @return the host
     */
    MxHost mx();

    /**
     * The policy that decided the route, as a TLS-RPT report names it.
     *
     * @return the policy
     */
    AppliedPolicy policy();

    /**
     * Negotiate with the MX host under this configuration.
     *
     * @param mx       the MX host
     * @param config   the configuration to negotiate with
     * @param fallback under an MTA-STS {@code testing} policy, the configuration to deliver with
     *                 after {@code config} failed (and the failure was reported); empty when a
     *                 failure of {@code config} means this MX must not get the mail
     * @param policy   the policy applied
     * @param demanded what the policy demanded, in words
     * @param report   what to report even if the session succeeds, or null
     */
    record Negotiate(MxHost mx, ClientConfig config, Optional<ClientConfig> fallback, AppliedPolicy policy, String demanded,
                     ResultType report) implements Route {
        /**
         * Checks the components are present.
         *
         * @param mx the MX host
         * @param config the configuration to negotiate with
         * @param fallback under an MTA-STS {@code testing} policy, the configuration to deliver with after
         *                 {@code config} failed (and the failure was reported); empty when a failure of
         *                 {@code config} means this MX must not get the mail
         * @param policy the policy applied
         * @param demanded what the policy demanded, in words
         * @param report what to report even if the session succeeds, or null
         */
        public Negotiate {
            Objects.requireNonNull(mx, "mx");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(fallback, "fallback");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(demanded, "demanded");
        }
    }

    /**
     * Do not deliver to this MX host.
     *
     * @param mx     the MX host
     * @param policy the policy that forbids it
     * @param report the failure to report
     * @param why    a human-readable explanation
     */
    record Skip(MxHost mx, AppliedPolicy policy, ResultType report, String why) implements Route {
        /**
         * Checks the components are present.
         *
         * @param mx the MX host
         * @param policy the policy that forbids it
         * @param report the failure to report
         * @param why a human-readable explanation
         */
        public Skip {
            Objects.requireNonNull(mx, "mx");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(why, "why");
        }
    }
}
