/**
 * The lookups behind the core's MTA-STS, DANE and TLS-RPT decisions: DNS with DNSSEC validated
 * here rather than trusted from an upstream ({@link org.starttls4j.resolvers.DnssecResolver}), the
 * HTTPS fetch of MTA-STS policies ({@link org.starttls4j.resolvers.MtaStsFetcher}) and their
 * cache ({@link org.starttls4j.resolvers.MtaStsResolver}), and the plan of how to deliver to each
 * MX host of a domain ({@link org.starttls4j.resolvers.DeliveryPlanner}).
 */
package org.starttls4j.resolvers;
