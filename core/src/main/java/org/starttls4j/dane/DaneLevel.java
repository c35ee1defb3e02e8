package org.starttls4j.dane;

/** How much a sender insists on DANE for a destination, in Postfix's words. */
public enum DaneLevel {
    /**
     * Postfix {@code dane}: use DANE where the MX host publishes secure TLSA records; elsewhere go
     * on as without DANE (another policy such as MTA-STS, or opportunistic TLS).
     */
    DANE,
    /** Postfix {@code dane-only}: deliver only to MX hosts that DANE authenticates. */
    DANE_ONLY
}
