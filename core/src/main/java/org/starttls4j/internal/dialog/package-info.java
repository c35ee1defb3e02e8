/**
 * The inside of the dialogs, not exported: what several protocols' dialogs do the same way (what a
 * server announces before TLS, how it skips a literal of a command it answers, how a client reads a
 * dot-terminated list), and the two outlines the dialogs extend: every client's turns around
 * STARTTLS, and the one-state server's. Each dialog keeps its own state table and its own words;
 * only the shared rule lives here.
 */
package org.starttls4j.internal.dialog;
