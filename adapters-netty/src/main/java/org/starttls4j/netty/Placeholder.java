package org.starttls4j.netty;

/** Removed once the adapter's first class exists. */
final class Placeholder {
    private Placeholder() {
    }
}
