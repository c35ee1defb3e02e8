package org.starttls4j.testkit.checks;

import java.util.List;
import java.util.Optional;
import org.starttls4j.testkit.MailProtocol;

/**
 * The results of {@link ServerChecks} against one server, in the order the checks ran.
 *
 * @param protocol the protocol spoken
 * @param target   {@code host:port}
 * @param results  one result per check run
 */
public record ServerAudit(MailProtocol protocol, String target, List<CheckResult> results) {

    /**
     * Copies the results.
     *
     * @param protocol the protocol
     * @param target {@code host:port}
     * @param results the results
     * @throws NullPointerException when a component is missing
     */
    public ServerAudit {
        results = List.copyOf(results);
    }

    /**
     * The result of one check.
     *
     * @param check the check
     * @return its result, or empty when it did not run
     */
    public Optional<CheckResult> result(ServerCheck check) {
        return results.stream().filter(r -> r.check() == check).findFirst();
    }

    /**
     * The worst verdict.
     *
     * @return FAIL if any check failed, else WARN if any warned, else PASS
     */
    public Verdict overall() {
        return results.stream().map(CheckResult::verdict).max(Enum::compareTo).orElse(Verdict.PASS);
    }

    /**
     * A table, one check per line.
     *
     * @return the report
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(protocol + " server " + target + ": " + overall() + "\n");
        results.forEach(r -> s.append("  ").append(r).append('\n'));
        return s.toString();
    }
}
