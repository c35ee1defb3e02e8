package org.starttls4j.testkit.hostile;

import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link HostileRun}. A failure prints the run: the verdict, each finding's
 * evidence and everything the server received.
 */
public final class HostileRunAssert extends AbstractAssert<HostileRunAssert, HostileRun> {

    /**
     * Assertions on {@code actual}.
     *
     * @param actual the run
     */
    public HostileRunAssert(HostileRun actual) {
        super(actual, HostileRunAssert.class);
    }

    /**
     * The client did nothing a client requiring TLS must not do.
     *
     * @return this
     */
    public HostileRunAssert clientStayedSafe() {
        isNotNull();
        if (!actual.isSafe()) {
            failWithMessage("Expected the client to stay safe, but:%n%s", actual);
        }
        return this;
    }

    /**
     * The client did {@code kind} (a known finding, asserted as observed).
     *
     * @param kind the finding expected
     * @return this
     */
    public HostileRunAssert hasFinding(ClientFinding kind) {
        isNotNull();
        if (!actual.findingKinds().contains(kind)) {
            failWithMessage("Expected the finding %s, but:%n%s", kind, actual);
        }
        return this;
    }

    /**
     * The client's findings are exactly {@code kinds}, in any order.
     *
     * @param kinds the findings expected
     * @return this
     */
    public HostileRunAssert hasExactlyFindings(ClientFinding... kinds) {
        isNotNull();
        java.util.Set<ClientFinding> expected = java.util.Set.of(kinds);
        if (!java.util.Set.copyOf(actual.findingKinds()).equals(expected)) {
            failWithMessage("Expected exactly the findings %s, but:%n%s", expected, actual);
        }
        return this;
    }

    /**
     * The client connected to the hostile server (so the verdict judges something).
     *
     * @return this
     */
    public HostileRunAssert clientConnected() {
        isNotNull();
        if (!actual.clientConnected()) {
            failWithMessage("Expected the client to connect, but it never did:%n%s", actual);
        }
        return this;
    }
}
