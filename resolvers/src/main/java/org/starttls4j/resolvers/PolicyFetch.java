package org.starttls4j.resolvers;

import java.util.Objects;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.tlsrpt.ResultType;

/** What fetching an MTA-STS policy over HTTPS gave. */
public sealed interface PolicyFetch {

    /**
     * A valid policy.
     *
     * @param policy the policy
     */
    record Fetched(StsPolicy policy) implements PolicyFetch {
        /**
         * Checks the policy is present.
         *
         * @param policy the policy
         */
        public Fetched {
            Objects.requireNonNull(policy, "policy");
        }
    }

    /**
     * No valid policy.
     *
     * @param report {@link ResultType#STS_WEBPKI_INVALID} when the HTTPS server's certificate was
     *               rejected, {@link ResultType#STS_POLICY_INVALID} for a body that is not a
     *               valid policy, {@link ResultType#STS_POLICY_FETCH_ERROR} for everything else
     *               (no connection, a status other than 200, a redirect, a timeout)
     * @param why    a human-readable explanation
     */
    record Failed(ResultType report, String why) implements PolicyFetch {
        /**
         * Checks the components are present.
         *
         * @param report {@link ResultType#STS_WEBPKI_INVALID} when the HTTPS server's certificate was
         *               rejected, {@link ResultType#STS_POLICY_INVALID} for a body that is not a valid
         *               policy, {@link ResultType#STS_POLICY_FETCH_ERROR} for everything else (no connection,
         *               a status other than 200, a redirect, a timeout)
         * @param why a human-readable explanation
         */
        public Failed {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(why, "why");
        }
    }
}
