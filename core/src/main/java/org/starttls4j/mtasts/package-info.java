/**
 * MTA-STS (RFC 8461) without I/O: the {@code _mta-sts} TXT record ({@link org.starttls4j.mtasts.StsRecord}),
 * the policy file ({@link org.starttls4j.mtasts.StsPolicy}), the matching of MX host names against
 * its patterns ({@link org.starttls4j.mtasts.MxPattern}), and the decision of how to deliver to
 * one MX host under a policy ({@link org.starttls4j.mtasts.MtaSts#decide}). Fetching the record and
 * the policy, and caching the policy, is the job of the {@code starttls4j-resolvers} module.
 */
package org.starttls4j.mtasts;
