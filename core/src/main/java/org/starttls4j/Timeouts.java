package org.starttls4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a negotiation waits. The core reads no clock: the caller passes the time in and asks
 * {@link Negotiation#deadline()} when to tick next.
 *
 * <p>A client waits {@code perStep} for each reply. A server waits {@code firstCommand} for a
 * client that has said nothing yet, then {@code nextCommand} for each further command or
 * handshake flight: an idle connection is the cheapest way to hold a server's slot, so the first
 * wait is the shortest.
 *
 * <p>The defaults, against RFC 5321 §4.5.3.2 and what operators run: a client waits five minutes
 * per reply, as §4.5.3.2 asks of SMTP clients. §4.5.3.2.7 asks a server to wait five minutes for
 * the next command; that wait is meant for a mail transaction (a slow DATA, a user typing), which
 * starts after the hand-over and is the application's. Before TLS an honest client sends EHLO and
 * STARTTLS without waiting on anyone, so a server here waits 30 seconds for the first command
 * and 60 seconds for each later one or a handshake flight: between Postfix's {@code smtpd_timeout}
 * under stress (10 seconds, against 300 normally) and what it does normally, and well inside
 * Dovecot's three minutes for a client to log in (its pre-login timeout, shortened when all login
 * slots are taken). The whole negotiation is bounded by {@code total}, ten minutes.
 *
 * @param perStep      (client) longest wait for any one reply or handshake flight from the server
 * @param total        longest the whole negotiation may take, from {@link Negotiation#begin}
 * @param firstCommand (server) longest wait for the first byte of a client that has said nothing yet
 * @param nextCommand  (server) longest wait for each further command, or handshake flight, once
 *                     the client has sent something
 */
public record Timeouts(Duration perStep, Duration total, Duration firstCommand, Duration nextCommand) {

    /**
     * Defaults: five minutes per reply for a client (RFC 5321 §4.5.3.2); for a server 30 seconds
     * until the client's first command and 60 seconds per later step; ten minutes in all.
     */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60));

    /**
     * Checks that every duration is positive.
     *
     * @param perStep (client) longest wait for any one reply or handshake flight from the server
     * @param total longest the whole negotiation may take, from {@link Negotiation#begin}
     * @param firstCommand (server) longest wait for the first byte of a client that has said nothing yet
     * @param nextCommand (server) longest wait for each further command, or handshake flight, once the
     *                    client has sent something
     */
    public Timeouts {
        Objects.requireNonNull(perStep, "perStep");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(firstCommand, "firstCommand");
        Objects.requireNonNull(nextCommand, "nextCommand");
        if (!positive(perStep) || !positive(total) || !positive(firstCommand) || !positive(nextCommand)) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /**
     * One wait per step for both roles and every step, and a bound on the whole negotiation.
     *
     * @param perStep longest wait for any one reply, command or handshake flight
     * @param total   longest the whole negotiation may take
     */
    public Timeouts(Duration perStep, Duration total) {
        this(perStep, total, perStep, perStep);
    }

    /**
     * One duration for every step and the whole negotiation.
     *
     * @param both the duration
     * @return the timeouts
     */
    public static Timeouts of(Duration both) {
        return new Timeouts(both, both);
    }

    /**
     * A copy with other server waits.
     *
     * @param first the wait for a client that has said nothing yet
     * @param next  the wait for each later command or handshake flight
     * @return the copy
     */
    public Timeouts withServerWaits(Duration first, Duration next) {
        return new Timeouts(perStep, total, first, next);
    }

    /**
     * The deadline for a client's wait that starts at {@code now} in a negotiation started at
     * {@code start}: {@code perStep} after {@code now}, or the end of {@code total}, whichever is first.
     *
     * @param start when the negotiation began
     * @param now   when the wait starts
     * @return the deadline
     */
    public Instant deadline(Instant start, Instant now) {
        return deadline(start, now, perStep);
    }

    /**
     * The deadline for a wait of {@code step} that starts at {@code now} in a negotiation started
     * at {@code start}, never past the end of {@code total}.
     *
     * @param start when the negotiation began
     * @param now   when the wait starts
     * @param step  the wait
     * @return the deadline
     */
    public Instant deadline(Instant start, Instant now, Duration step) {
        return deadline(start, now, step, null);
    }

    /**
     * {@link #deadline(Instant, Instant, Duration)}, or {@code previous} itself when the deadline
     * has not moved (the total's end rules, or no time passed): a state keeps the same value
     * instead of a new one per transition.
     */
    Instant deadline(Instant start, Instant now, Duration step, Instant previous) {
        // Compared as numbers first, so only the answer becomes an Instant (one per transition at most).
        long stepSeconds = Math.addExact(now.getEpochSecond(), step.getSeconds());
        long stepNanos = (long) now.getNano() + step.getNano();
        long wholeSeconds = Math.addExact(start.getEpochSecond(), total.getSeconds());
        long wholeNanos = (long) start.getNano() + total.getNano();
        stepSeconds += stepNanos / 1_000_000_000L;
        stepNanos %= 1_000_000_000L;
        wholeSeconds += wholeNanos / 1_000_000_000L;
        wholeNanos %= 1_000_000_000L;
        boolean stepFirst = stepSeconds < wholeSeconds || (stepSeconds == wholeSeconds && stepNanos < wholeNanos);
        long seconds = stepFirst ? stepSeconds : wholeSeconds;
        long nanos = stepFirst ? stepNanos : wholeNanos;
        if (previous != null && previous.getEpochSecond() == seconds && previous.getNano() == nanos) {
            return previous;
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
