/**
 * Hostile clients for server authors: {@link org.starttls4j.testkit.checks.ServerChecks} runs the
 * {@link org.starttls4j.testkit.checks.ServerCheck}s against any host and port that speaks
 * STARTTLS, each ending in a {@link org.starttls4j.testkit.checks.CheckResult} with a verdict and
 * the evidence; assert with {@code assertThat(audit).passed(...)}.
 */
package org.starttls4j.testkit.checks;
