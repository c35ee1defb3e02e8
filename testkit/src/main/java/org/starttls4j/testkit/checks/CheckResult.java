package org.starttls4j.testkit.checks;

import java.util.Objects;

/**
 * The verdict of one check and what shows it.
 *
 * @param check    the check
 * @param verdict  PASS, WARN or FAIL
 * @param evidence what happened, quoting the server where it answered
 */
public record CheckResult(ServerCheck check, Verdict verdict, String evidence) {

    /**
     * Checks the components are present.
     *
     * @param check the check
     * @param verdict PASS, WARN or FAIL
     * @param evidence what happened
     * @throws NullPointerException when one is missing
     */
    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(evidence, "evidence");
    }

    @Override
    public String toString() {
        return String.format("%-4s  %-20s %s", verdict, check, evidence);
    }
}
