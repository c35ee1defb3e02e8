package org.starttls4j.testkit;

/** Where a command or a message travelled: in the clear, or inside TLS. */
public enum Layer {
    /** Readable by anyone on the path. */
    PLAINTEXT,
    /** Inside TLS (after STARTTLS, or from the start with implicit TLS). */
    TLS
}
