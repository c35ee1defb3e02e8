/**
 * JMH benchmarks of starttls4j, each beside a bare {@code SSLEngine} baseline in the same run
 * (negotiation, bulk data, loopback through the adapters), the idle-memory harness, and
 * {@link org.starttls4j.bench.Report}, which runs them all and writes {@code bench/RESULTS.md}.
 * See {@code bench/README.md}.
 */
package org.starttls4j.bench;
