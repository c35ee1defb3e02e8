package org.starttls4j.resolvers;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.starttls4j.tlsrpt.TlsRptRecord;

/**
 * How to deliver to a recipient domain: one route per MX host, and where to report.
 *
 * @param domain  the recipient domain
 * @param routes  one route per MX host, lowest preference first; empty when the MX lookup failed
 * @param mtaSts  the MTA-STS lookup
 * @param tlsRpt  the domain's TLS-RPT record, if it has a valid one
 * @param problem why there are no routes (an MX lookup failure), or empty
 */
public record DeliveryPlan(String domain, List<Route> routes, StsLookup mtaSts, Optional<TlsRptRecord> tlsRpt,
                           Optional<String> problem) {

    /**
     * Checks the components and copies the list.
     *
     * @param domain the recipient domain
     * @param routes one route per MX host, lowest preference first; empty when the MX lookup failed
     * @param mtaSts the MTA-STS lookup
     * @param tlsRpt the domain's TLS-RPT record, if it has a valid one
     * @param problem why there are no routes (an MX lookup failure), or empty
     */
    public DeliveryPlan {
        Objects.requireNonNull(domain, "domain");
        routes = List.copyOf(routes);
        Objects.requireNonNull(mtaSts, "mtaSts");
        Objects.requireNonNull(tlsRpt, "tlsRpt");
        Objects.requireNonNull(problem, "problem");
    }
}
