package org.starttls4j.testkit.checks;

import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on a {@link ServerAudit}; a failure prints the whole table. */
public final class ServerAuditAssert extends AbstractAssert<ServerAuditAssert, ServerAudit> {

    /**
     * Assertions on {@code actual}.
     *
     * @param actual the audit
     */
    public ServerAuditAssert(ServerAudit actual) {
        super(actual, ServerAuditAssert.class);
    }

    /**
     * Each of {@code checks} ran and passed.
     *
     * @param checks the checks
     * @return this
     */
    public ServerAuditAssert passed(ServerCheck... checks) {
        for (ServerCheck check : checks) {
            hasVerdict(check, Verdict.PASS);
        }
        return this;
    }

    /**
     * Every check that ran passed.
     *
     * @return this
     */
    public ServerAuditAssert allPassed() {
        isNotNull();
        if (actual.overall() != Verdict.PASS) {
            failWithMessage("Expected every check to pass, but:%n%s", actual);
        }
        return this;
    }

    /**
     * {@code check} ran and ended in {@code verdict} (a known finding, asserted as observed).
     *
     * @param check   the check
     * @param verdict the verdict expected
     * @return this
     */
    public ServerAuditAssert hasVerdict(ServerCheck check, Verdict verdict) {
        isNotNull();
        Optional<CheckResult> result = actual.result(check);
        if (result.isEmpty() || result.get().verdict() != verdict) {
            failWithMessage("Expected %s to be %s, but:%n%s", check, verdict, actual);
        }
        return this;
    }
}
