package org.starttls4j.testkit.checks;

/** How a server fared in one check. */
public enum Verdict {
    /** As it should be. */
    PASS,
    /** Not wrong, but worth a look (or not testable, and the evidence says why). */
    WARN,
    /** Wrong: a client or an attacker can exploit it. */
    FAIL
}
