package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Failure.Reason;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.imap.Imap;
import org.starttls4j.netty.interop.NettyInterop;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;

/**
 * A server at its {@link NegotiationCapacity} still answers: a connection beyond it gets the
 * protocol's "too busy" reply at once and is closed; a place is freed by every outcome and by the
 * channel's end; 1,100 idle connections over 127.0.0.1 leave a fresh client answered.
 */
@ExtendWith(Leaks.Check.class)
class CapacityTest {

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<Fixtures.Recorder> apps = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel open(NegotiationCapacity capacity, Function<ServerConfig, Negotiation> protocol) {
        Fixtures.Recorder app = new Fixtures.Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(new StartTlsServerHandler(Fixtures.server(TlsPolicy.OPPORTUNISTIC), protocol, capacity), app);
        channels.add(channel);
        apps.add(app);
        channel.runPendingTasks(); // a refusal is sent from a task, once the pipeline is complete
        return channel;
    }

    private EmbeddedChannel open(NegotiationCapacity capacity) {
        return open(capacity, Smtp::server);
    }

    private Fixtures.Recorder app(int i) {
        return apps.get(i);
    }

    @Test
    void aConnectionBeyondTheCapacityIsToldTheServerIsBusyAndClosedAtOnce() {
        NegotiationCapacity capacity = NegotiationCapacity.of(1);
        EmbeddedChannel first = open(capacity);
        assertThat(drainOutbound(first)).startsWith("220 ");

        EmbeddedChannel second = open(capacity);

        assertThat(drainOutbound(second)).startsWith("421 4.3.2 ");
        assertThat(app(1).completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.SERVER_BUSY);
        assertThat(second.isOpen()).isFalse();
        assertThat(capacity.running()).as("the refused connection took no place").isEqualTo(1);
        assertThat(first.isOpen()).isTrue();
    }

    @Test
    void imapAndPop3SayTheirOwnWords() {
        NegotiationCapacity capacity = NegotiationCapacity.of(1);
        open(capacity, Imap::server);

        assertThat(drainOutbound(open(capacity, Imap::server))).startsWith("* BYE");
        assertThat(drainOutbound(open(capacity, Pop3::server))).startsWith("-ERR [SYS/TEMP]");
    }

    @Test
    void everyOutcomeAndEveryEndFreesItsPlace() {
        NegotiationCapacity capacity = NegotiationCapacity.of(3);
        EmbeddedChannel handedOver = open(capacity);
        EmbeddedChannel quitting = open(capacity);
        EmbeddedChannel vanishing = open(capacity);
        assertThat(capacity.running()).isEqualTo(3);

        handedOver.writeInbound(ascii("MAIL FROM:<a@example.test>\r\n"));
        assertThat(app(0).completion()).isInstanceOf(StartTlsCompletionEvent.Plaintext.class);
        assertThat(capacity.running()).isEqualTo(2);

        quitting.writeInbound(ascii("QUIT\r\n"));
        assertThat(app(1).completion()).isInstanceOf(StartTlsCompletionEvent.Failed.class);
        assertThat(capacity.running()).isEqualTo(1);

        vanishing.pipeline().fireChannelInactive();
        assertThat(capacity.running()).isZero();

        EmbeddedChannel next = open(capacity);
        assertThat(drainOutbound(next)).startsWith("220 ");
        next.advanceTimeBy(1, TimeUnit.HOURS);
        next.runScheduledPendingTasks();
        assertThat(app(3).completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(capacity.running()).as("the deadline frees it too").isZero();
    }

    @Test
    void elevenHundredIdleConnectionsLeaveAFreshClientAnswered() throws Exception {
        int places = 1_000;
        int idle = 1_100;
        NegotiationCapacity capacity = NegotiationCapacity.of(places);
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED);
        List<Socket> sockets = new ArrayList<>();
        try (NettyInterop.Server server = NettyInterop.startServer(() -> List.of(
                new StartTlsServerHandler(config, Smtp::server, capacity), new Fixtures.Recorder()))) {
            int greeted = 0;
            int busy = 0;
            for (int i = 0; i < idle; i++) {
                Socket s = connect(server, sockets);
                String first = Renegotiator.readLine(s.getInputStream());
                if (first != null && first.startsWith("220 ")) {
                    greeted++;
                } else if (first != null && first.startsWith("421 4.3.2 ")) {
                    busy++;
                    assertThat(Renegotiator.readLine(s.getInputStream())).as("then closed").isNull();
                }
            }
            assertThat(greeted).isEqualTo(places);
            assertThat(busy).isEqualTo(idle - places);

            Socket fresh = connect(server, sockets);
            InputStream in = fresh.getInputStream();
            assertThat(Renegotiator.readLine(in)).as("answered, not left hanging").startsWith("421 4.3.2 ");
            assertThat(Renegotiator.readLine(in)).isNull();
        } finally {
            for (Socket s : sockets) {
                close(s);
            }
        }
    }

    private static Socket connect(NettyInterop.Server server, List<Socket> sockets) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(server.address(), (int) NettyInterop.IO_TIMEOUT.toMillis());
        s.setSoTimeout((int) NettyInterop.IO_TIMEOUT.toMillis()); // a guard against a hang, not a measure
        return s;
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }
}
