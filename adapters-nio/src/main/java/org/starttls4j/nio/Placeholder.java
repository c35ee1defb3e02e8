package org.starttls4j.nio;

/** Removed once the adapter's first class exists. */
final class Placeholder {
    private Placeholder() {
    }
}
