package org.starttls4j.testkit.hostile;

import java.util.Objects;

/**
 * One thing the client did wrong, with the evidence.
 *
 * @param kind     what it did
 * @param evidence what shows it, quoting the wire (e.g. {@code "#1 [plain] C: AUTH PLAIN AGFsaWNl…"})
 */
public record Finding(ClientFinding kind, String evidence) {

    /**
     * Checks the components are present.
     *
     * @param kind what the client did
     * @param evidence what shows it
     * @throws NullPointerException when one is missing
     */
    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(evidence, "evidence");
    }

    @Override
    public String toString() {
        return kind + ": " + evidence;
    }
}
