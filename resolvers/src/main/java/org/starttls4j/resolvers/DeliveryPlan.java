package org.starttls4j.resolvers;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.starttls4j.tlsrpt.TlsRptRecord;

/**
 * How to deliver to a recipient domain: one route per MX host, and where to report.
 *
 * @param domain        the recipient domain
 * @param routes        one route per MX host, lowest preference first; empty when the MX lookup
 *                      failed or the domain accepts no mail
 * @param mtaSts        the MTA-STS lookup
 * @param tlsRpt        the domain's TLS-RPT record, if it has a valid one
 * @param problem       why there are no routes (an MX lookup failure, a null MX, no such domain), or empty
 * @param acceptsNoMail whether the domain accepts no mail: it publishes a null MX (RFC 7505), or it
 *                      does not exist (NXDOMAIN, which RFC 5321 §5.1 says "MUST be reported as an
 *                      error"); the message then fails permanently (RFC 7505 §4.1: {@code 5.1.10})
 *                      instead of waiting for a retry as after an MX lookup failure
 */
public record DeliveryPlan(String domain, List<Route> routes, StsLookup mtaSts, Optional<TlsRptRecord> tlsRpt,
                           Optional<String> problem, boolean acceptsNoMail) {

    /**
     * Checks the components and copies the list.
     *
     * @param domain        the recipient domain
     * @param routes        one route per MX host, lowest preference first; empty when the MX lookup
     *                      failed or the domain accepts no mail
     * @param mtaSts        the MTA-STS lookup
     * @param tlsRpt        the domain's TLS-RPT record, if it has a valid one
     * @param problem       why there are no routes (an MX lookup failure, a null MX, no such domain), or empty
     * @param acceptsNoMail whether the domain accepts no mail (a null MX, or no such domain)
     * @throws IllegalArgumentException if a domain that accepts no mail has routes or no problem
     */
    public DeliveryPlan {
        Objects.requireNonNull(domain, "domain");
        routes = List.copyOf(routes);
        Objects.requireNonNull(mtaSts, "mtaSts");
        Objects.requireNonNull(tlsRpt, "tlsRpt");
        Objects.requireNonNull(problem, "problem");
        if (acceptsNoMail && (!routes.isEmpty() || problem.isEmpty())) {
            throw new IllegalArgumentException("a domain that accepts no mail has no routes, and the problem says why");
        }
    }

    /**
     * A plan for a domain that accepts mail.
     *
     * @param domain  the recipient domain
     * @param routes  one route per MX host, lowest preference first; empty when the MX lookup failed
     * @param mtaSts  the MTA-STS lookup
     * @param tlsRpt  the domain's TLS-RPT record, if it has a valid one
     * @param problem why there are no routes (an MX lookup failure), or empty
     */
    public DeliveryPlan(String domain, List<Route> routes, StsLookup mtaSts, Optional<TlsRptRecord> tlsRpt, Optional<String> problem) {
        this(domain, routes, mtaSts, tlsRpt, problem, false);
    }
}
