package org.starttls4j.imap;

/** Imap entry points (being written). */
public final class Imap {
    private Imap() {
    }
}
