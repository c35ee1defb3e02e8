package org.starttls4j.pop3;

/** Pop3 entry points (being written). */
public final class Pop3 {
    private Pop3() {
    }
}
