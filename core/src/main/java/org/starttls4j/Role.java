package org.starttls4j;

/** Which end of the connection a negotiation plays. */
public enum Role {
    /** The end that connects, reads the greeting and sends STARTTLS. */
    CLIENT,
    /** The end that accepts, greets and answers STARTTLS. */
    SERVER
}
