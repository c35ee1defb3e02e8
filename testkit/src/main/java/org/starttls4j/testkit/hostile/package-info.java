/**
 * Hostile servers for client authors: a {@link org.starttls4j.testkit.hostile.HostileServer} plays
 * one {@link org.starttls4j.testkit.hostile.HostileScenario} against the client under test and
 * returns a {@link org.starttls4j.testkit.hostile.HostileRun}: a verdict with evidence, read with
 * {@code assertThat(run).clientStayedSafe()}.
 *
 * <p>The kit judges a client as one configured to <em>require</em> TLS (Jakarta Mail's
 * {@code mail.<proto>.starttls.required=true}, Postfix's {@code encrypt}): anything beyond the
 * negotiation in plaintext is a finding.
 */
package org.starttls4j.testkit.hostile;
