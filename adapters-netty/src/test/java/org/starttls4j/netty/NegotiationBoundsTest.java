package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Limits;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;

/**
 * What a server handler holds for a peer that sends and does not read: it stops reading while
 * its answers do not leave (autoRead off, or no read of its own) and reads again once they do;
 * its record of the negotiation keeps a bounded transcript; a failed negotiation's last words do
 * not keep the channel open.
 */
@ExtendWith(Leaks.Check.class)
class NegotiationBoundsTest {

    private final Fixtures.Recorder app = new Fixtures.Recorder();
    private final Stall stall = new Stall();
    private EmbeddedChannel channel;
    private StartTlsServerHandler handler;

    @AfterEach
    void tearDown() {
        stall.drop();
        channel.finishAndReleaseAll();
    }

    /** An EHLO reply of about 2 KB: a few unread answers are enough to reach the bound. */
    static ServerConfig verbose() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add("X-FILLER-" + i + "-" + "x".repeat(50));
        }
        Capabilities caps = Fixtures.caps(many.toArray(new String[0]));
        return Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.JDK).capabilitiesBeforeTls(caps).build();
    }

    private void open(ServerConfig config, boolean autoRead, Fixtures.OutboundCounter counter) {
        channel = new EmbeddedChannel();
        channel.config().setAutoRead(autoRead);
        handler = new StartTlsServerHandler(config, Smtp::server);
        channel.pipeline().addLast(counter, stall, handler, app);
    }

    /** Sends EHLO until the handler stops reading; how many it took. */
    private int ehloUntilPaused() {
        int sent = 0;
        while (!handler.isReadingPaused()) {
            assertThat(sent).as("paused within a few unread answers").isLessThan(10);
            channel.writeInbound(ascii("EHLO c\r\n"));
            sent++;
        }
        return sent;
    }

    @Test
    void aPeerThatDoesNotReadStopsTheReadingAndAutoReadComesBackWhenItDoes() {
        open(verbose(), true, new Fixtures.OutboundCounter());

        int sent = ehloUntilPaused();

        assertThat(sent).isGreaterThan(1);
        assertThat(stall.heldBytes()).isGreaterThan(StartTlsHandler.PENDING_OUTPUT_BOUND);
        assertThat(channel.config().isAutoRead()).as("reading stopped").isFalse();
        assertThat(app.completions).isEmpty();

        stall.release();

        assertThat(handler.isReadingPaused()).isFalse();
        assertThat(channel.config().isAutoRead()).as("reading again").isTrue();
        assertThat(drainOutbound(channel)).startsWith("220 ").contains("250 STARTTLS");
    }

    @Test
    void withAutoReadOffTheHandlerAsksForNoReadWhilePausedNorPassesTheApplicationsOn() {
        Fixtures.OutboundCounter counter = new Fixtures.OutboundCounter();
        open(verbose(), false, counter);

        ehloUntilPaused();
        int reads = counter.reads;
        channel.read();
        channel.writeInbound(ascii("NOOP\r\n")); // what the kernel still had: answered, no read asked after it

        assertThat(counter.reads).as("no read while paused").isEqualTo(reads);
        assertThat(channel.config().isAutoRead()).isFalse();

        stall.release();

        assertThat(counter.reads).as("one read once the answers left").isEqualTo(reads + 1);
        assertThat(channel.config().isAutoRead()).as("the application's setting is left alone").isFalse();
    }

    @Test
    void anUnwritableChannelStopsTheReadingUntilItIsWritableAgain() {
        open(Fixtures.server(TlsPolicy.REQUIRED), true, new Fixtures.OutboundCounter());
        stall.release();
        stall.passThrough = true;
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);

        channel.writeInbound(ascii("EHLO c\r\n"));

        assertThat(handler.isReadingPaused()).isTrue();
        assertThat(channel.config().isAutoRead()).isFalse();

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks(); // Netty fires channelWritabilityChanged from a task

        assertThat(handler.isReadingPaused()).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theRecordKeepsEveryEventButOnlyTheFirstLinesOfALongTranscript() {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.JDK)
                .limits(Limits.DEFAULT.withMaxCommandsBeforeTls(1_000)).build();
        open(config, true, new Fixtures.OutboundCounter());
        stall.passThrough = true;

        for (int i = 0; i < 150; i++) {
            channel.writeInbound(ascii("NOOP " + i + "\r\n"));
        }
        channel.writeInbound(ascii("QUIT\r\n"));

        List<Event> events = app.completion(StartTlsCompletionEvent.Failed.class).events();
        List<Event.Line> lines = events.stream().filter(Event.Line.class::isInstance).map(Event.Line.class::cast).toList();
        assertThat(lines).hasSize(StartTlsHandler.MAX_REPORTED_LINES);
        assertThat(lines.get(0).text()).as("the greeting is kept").startsWith("220 ");
        assertThat(lines.get(1).text()).isEqualTo("NOOP 0");
        assertThat(events).filteredOn(Event.TranscriptTruncated.class::isInstance).hasSize(1);
        assertThat(events.get(events.size() - 1)).isInstanceOf(Event.Failed.class);
    }

    @Test
    void theRecordKeepsNoMoreTranscriptTextThanItsBound() {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.JDK)
                .limits(Limits.DEFAULT.withMaxCommandsBeforeTls(1_000)).build();
        open(config, true, new Fixtures.OutboundCounter());
        stall.passThrough = true;

        String filler = "x".repeat(900); // 50 long lines: fewer lines than the line bound, more text than the character bound
        for (int i = 0; i < 50; i++) {
            channel.writeInbound(ascii("NOOP " + filler + "\r\n"));
        }
        channel.writeInbound(ascii("QUIT\r\n"));

        List<Event> events = app.completion(StartTlsCompletionEvent.Failed.class).events();
        List<Event.Line> lines = events.stream().filter(Event.Line.class::isInstance).map(Event.Line.class::cast).toList();
        assertThat(lines).hasSizeLessThan(StartTlsHandler.MAX_REPORTED_LINES);
        assertThat(lines.stream().mapToInt(l -> l.text().length()).sum()).isLessThanOrEqualTo(StartTlsHandler.MAX_REPORTED_CHARS)
                .isGreaterThan(StartTlsHandler.MAX_REPORTED_CHARS - 1_000);
        assertThat(events).filteredOn(Event.TranscriptTruncated.class::isInstance).hasSize(1);
    }

    @Test
    void aFailedNegotiationsLastWordsDoNotKeepTheChannelOpenWhenThePeerDoesNotRead() {
        open(Fixtures.server(TlsPolicy.REQUIRED), true, new Fixtures.OutboundCounter());

        channel.writeInbound(ascii("QUIT\r\n"));

        assertThat(app.completion()).isInstanceOf(StartTlsCompletionEvent.Failed.class);
        assertThat(channel.isOpen()).as("the 221 has not left yet").isTrue();

        channel.advanceTimeBy(StartTlsHandler.LAST_WORDS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
    }

    /** Holds every write (a peer that does not read) until released. */
    static final class Stall extends ChannelOutboundHandlerAdapter {
        private final List<Object> messages = new ArrayList<>();
        private final List<ChannelPromise> promises = new ArrayList<>();
        private ChannelHandlerContext ctx;
        boolean passThrough;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (passThrough) {
                ctx.write(msg, promise);
                return;
            }
            messages.add(msg);
            promises.add(promise);
        }

        int heldBytes() {
            return messages.stream().mapToInt(m -> ((io.netty.buffer.ByteBuf) m).readableBytes()).sum();
        }

        /** Lets everything held go out, in order, and completes the writes. */
        void release() {
            List<Object> m = new ArrayList<>(messages);
            List<ChannelPromise> p = new ArrayList<>(promises);
            messages.clear();
            promises.clear();
            for (int i = 0; i < m.size(); i++) {
                ctx.write(m.get(i), p.get(i));
            }
            ctx.flush();
        }

        void drop() {
            messages.forEach(ReferenceCountUtil::release);
            messages.clear();
            promises.clear();
        }
    }
}
