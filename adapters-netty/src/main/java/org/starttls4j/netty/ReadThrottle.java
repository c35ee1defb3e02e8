package org.starttls4j.netty;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/**
 * A negotiation reads no more than it can answer: while the channel is not writable or more than
 * {@value StartTlsHandler#PENDING_OUTPUT_BOUND} bytes of the negotiation's own output are not yet on the wire, it
 * stops reading ({@code autoRead} off, or no {@code read()} of its own) and reads again when the
 * output drains to half of that, giving {@code autoRead} back as it found it.
 */
final class ReadThrottle {

    /** Most bytes of the negotiation's own output written and not yet on the wire before it stops reading. */
    private static final int MAX_UNSENT_BYTES = StartTlsHandler.PENDING_OUTPUT_BOUND;

    private final ChannelHandlerContext ctx;
    private long unsent;
    private boolean paused;
    private boolean autoReadSuspended;
    private boolean done;

    ReadThrottle(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Counts {@code bytes} of output until {@code written} completes. */
    void written(ChannelFuture written, int bytes) {
        unsent += bytes;
        written.addListener(f -> {
            unsent -= bytes;
            resumeIfDrained();
        });
    }

    void pauseIfBacklogged() {
        if (done || paused || (unsent <= MAX_UNSENT_BYTES && ctx.channel().isWritable())) {
            return;
        }
        paused = true;
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            autoReadSuspended = true;
            config.setAutoRead(false);
        }
    }

    void resumeIfDrained() {
        if (done || !paused || unsent > MAX_UNSENT_BYTES / 2 || !ctx.channel().isWritable()) {
            return;
        }
        boolean ownRead = !autoReadSuspended;
        restore();
        if (ownRead) {
            ctx.read();
        }
    }

    /** Gives reading back as it was. */
    void restore() {
        paused = false;
        if (autoReadSuspended) {
            autoReadSuspended = false;
            ctx.channel().config().setAutoRead(true); // which reads at once
        }
    }

    /** The negotiation is over: reading is the application's (or, after a failure, nobody's). */
    void stop(boolean giveBack) {
        if (giveBack) {
            restore();
        }
        done = true;
    }

    boolean isPaused() {
        return paused;
    }
}
