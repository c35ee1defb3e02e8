package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;

/** Our client against our server over 127.0.0.1, for SMTP under each policy. */
class SmtpOverLoopbackTest {

    private final BufferPool clientPool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 16, false);
    private final NioClient client = NioClient.builder().bufferPool(clientPool).build();

    @AfterEach
    void nothingLeaks() {
        assertThat(clientPool.inUse()).as("client buffers in use").isZero();
    }

    @Test
    void requiredSecuresTheConnectionAndHandsOverThePostTlsCapabilities() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build())) {
            NegotiatedChannel channel = client.connect(server.address(), Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client);
            try {
                assertThat(channel).isInstanceOf(SecureChannel.class);
                assertThat(channel.isEncrypted()).isTrue();
                assertThat(channel.isBlocking()).isTrue();
                NegotiationReport report = channel.report();
                assertThat(report.encrypted()).isTrue();
                assertThat(report.failure()).isEmpty();
                assertThat(report.whyNotEncrypted()).isEmpty();
                assertThat(report.tls().orElseThrow().protocol()).isEqualTo("TLSv1.3");
                assertThat(report.tls().orElseThrow().peerCertificate()).contains(TestPki.server(Fixtures.KEY, Fixtures.HOST).leaf());
                assertThat(((SecureChannel) channel).tls()).isEqualTo(report.tls().orElseThrow());
                assertThat(report.capabilities().has("AUTH")).isTrue(); // announced only inside TLS
                assertThat(report.capabilities().has("STARTTLS")).isFalse();
                assertThat(report.summary()).startsWith("encrypted: TLSv1.3 ");

                List<Event.Line> transcript = report.transcript();
                assertThat(transcript).extracting(Event.Line::direction, Event.Line::encrypted, Event.Line::text).startsWith(
                        org.assertj.core.groups.Tuple.tuple(Event.Direction.RECEIVED, false, "220 mail.example.test ESMTP starttls4j"),
                        org.assertj.core.groups.Tuple.tuple(Event.Direction.SENT, false, "EHLO localhost"));
                int startTls = indexOf(transcript, "STARTTLS");
                assertThat(transcript.get(startTls + 1).text()).startsWith("220 ");
                assertThat(transcript.subList(0, startTls + 2)).allMatch(l -> !l.encrypted());
                assertThat(transcript.subList(startTls + 2, transcript.size())).isNotEmpty().allMatch(Event.Line::encrypted);
                assertThat(transcript.get(startTls + 2).text()).isEqualTo("EHLO localhost");
                assertThat(report.events()).anyMatch(e -> e instanceof Event.StartTlsAccepted)
                        .anyMatch(e -> e instanceof Event.TlsEstablished)
                        .anyMatch(e -> e instanceof Event.CapabilitiesReceived && ((Event.CapabilitiesReceived) e).encrypted());

                Fixtures.send(channel, "MAIL FROM:<a@example.test>\r\n");
                assertThat(Fixtures.readReply(channel)).startsWith("250 ");
                Fixtures.send(channel, "QUIT\r\n");
                assertThat(Fixtures.readReply(channel)).startsWith("221 ");
                assertThat(Fixtures.readLine(channel)).as("the server's close_notify is a clean end").isNull();
            } finally {
                channel.close();
            }
            assertThat(channel.isOpen()).isFalse();
            assertThat(channel.socketChannel().isOpen()).isFalse();

            SmtpResponder.Served served = server.nextServed();
            assertThat(served.encrypted()).isTrue();
            assertThat(served.lines()).containsExactly("EHLO localhost", "MAIL FROM:<a@example.test>", "QUIT");
            assertThat(served.error()).isNull();
            NegotiationReport serverReport = server.handedOver.poll(5, TimeUnit.SECONDS);
            assertThat(serverReport.encrypted()).isTrue();
            assertThat(serverReport.capabilities()).isEqualTo(Fixtures.AFTER_TLS);
            assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(1, 0, 1, 0, 0, 0));
        }
    }

    @Test
    void opportunisticClientSaysPlainlyWhenTheServerOffersNoTls() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.PLAINTEXT_ONLY).build())) {
            NegotiatedChannel channel = client.connect(server.address(), Fixtures.client(TlsPolicy.OPPORTUNISTIC).build(), Smtp::client);
            try (channel) {
                assertThat(channel).isInstanceOf(PlaintextChannel.class);
                assertThat(channel.isEncrypted()).isFalse();
                NegotiationReport report = channel.report();
                assertThat(report.encrypted()).isFalse();
                assertThat(report.tls()).isEmpty();
                assertThat(report.failure()).isEmpty();
                assertThat(report.whyNotEncrypted()).hasValueSatisfying(why -> assertThat(why).contains("STARTTLS_NOT_OFFERED"));
                assertThat(((PlaintextChannel) channel).why()).contains("STARTTLS_NOT_OFFERED");
                assertThat(report.summary()).startsWith("not encrypted: ");
                assertThat(report.capabilities()).isEqualTo(Fixtures.BEFORE_TLS);
                assertThat(report.events()).anyMatch(e -> e instanceof Event.FellBackToPlaintext);

                // The server hands over at MAIL, a command it does not own, with the line unread.
                Fixtures.send(channel, "MAIL FROM:<a@example.test>\r\n");
                assertThat(Fixtures.readReply(channel)).startsWith("250 ");
                Fixtures.send(channel, "QUIT\r\n");
                assertThat(Fixtures.readReply(channel)).startsWith("221 ");
                assertThat(Fixtures.readLine(channel)).isNull();
            }
            SmtpResponder.Served served = server.nextServed();
            assertThat(served.encrypted()).isFalse();
            assertThat(served.lines()).containsExactly("MAIL FROM:<a@example.test>", "QUIT");
            assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(1, 0, 0, 1, 0, 0));
        }
    }

    @Test
    void opportunisticServerHandsOverInPlaintextWhenTheClientDoesNotUseStartTls() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.OPPORTUNISTIC).build())) {
            try (NegotiatedChannel channel = client.connect(server.address(),
                    Fixtures.client(TlsPolicy.PLAINTEXT_ONLY).build(), Smtp::client)) {
                assertThat(channel.report().whyNotEncrypted()).contains("not encrypted: the policy is PLAINTEXT_ONLY");
                assertThat(channel.report().capabilities().has("STARTTLS")).isTrue(); // offered, not used
                Fixtures.send(channel, "MAIL FROM:<a@example.test>\r\n");
                assertThat(Fixtures.readReply(channel)).startsWith("250 ");
            }
            NegotiationReport serverReport = server.handedOver.poll(10, TimeUnit.SECONDS);
            assertThat(serverReport.encrypted()).isFalse();
            assertThat(serverReport.whyNotEncrypted().orElseThrow()).contains("STARTTLS_NOT_USED");
            assertThat(server.nextServed().lines()).containsExactly("MAIL FROM:<a@example.test>");
        }
    }

    @Test
    void opportunisticOnBothSidesUsesTls() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.OPPORTUNISTIC).build());
             NegotiatedChannel channel = client.connect("127.0.0.1", server.address().getPort(),
                     Fixtures.client(TlsPolicy.OPPORTUNISTIC).build(), Smtp::client)) {
            assertThat(channel).isInstanceOf(SecureChannel.class);
            assertThat(channel.report().capabilities().has("AUTH")).isTrue();
            Fixtures.send(channel, "NOOP\r\n");
            assertThat(Fixtures.readReply(channel)).startsWith("250 ");
        }
    }

    @Test
    void implicitTlsGreetsInsideTls() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.IMPLICIT).build())) {
            try (NegotiatedChannel channel = client.connect(server.address(), Fixtures.client(TlsPolicy.IMPLICIT).build(), Smtp::client)) {
                assertThat(channel).isInstanceOf(SecureChannel.class);
                List<Event.Line> transcript = channel.report().transcript();
                assertThat(transcript).isNotEmpty().allMatch(Event.Line::encrypted);
                assertThat(transcript.get(0).text()).isEqualTo("220 mail.example.test ESMTP starttls4j");
                assertThat(transcript).noneMatch(l -> l.text().equals("STARTTLS"));
                assertThat(channel.report().capabilities().has("AUTH")).isTrue();
                Fixtures.send(channel, "QUIT\r\n");
                assertThat(Fixtures.readReply(channel)).startsWith("221 ");
            }
            assertThat(server.nextServed().lines()).containsExactly("EHLO localhost", "QUIT");
        }
    }

    @Test
    void requiredClientFailsWithATypedFailureAfterSayingQuitAndClosing() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.PLAINTEXT_ONLY).build())) {
            SocketChannel socket = SocketChannel.open(server.address());
            NegotiationException e = catchThrowableOfType(NegotiationException.class,
                    () -> client.negotiate(socket, Smtp.client(Fixtures.client(TlsPolicy.REQUIRED).build())));
            assertThat(e.failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
            assertThat(e.report().isFailed()).isTrue();
            assertThat(e.report().encrypted()).isFalse();
            List<Event.Line> transcript = e.report().transcript();
            assertThat(transcript.get(transcript.size() - 1).text()).isEqualTo("QUIT");
            assertThat(e.report().events()).last().isEqualTo(new Event.Failed(e.failure()));
            assertThat(socket.isOpen()).as("closed on failure").isFalse();

            ServerHarness.Failed seen = server.nextFailure();
            assertThat(seen.report().failure().orElseThrow().reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
            assertThat(seen.port()).isEqualTo(transcriptPort(socket));
            assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(1, 0, 0, 0, 1, 0));
        }
    }

    @Test
    void anUntrustedCertificateIsRejected() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build())) {
            var someoneElse = TestPki.selfSigned(Fixtures.KEY, "someone-else.example.test").leaf();
            var config = Fixtures.client(TlsPolicy.REQUIRED).trustAnchors(List.of(someoneElse)).build();
            NegotiationException e = catchThrowableOfType(NegotiationException.class,
                    () -> client.connect(server.address(), config, Smtp::client));
            assertThat(e.failure().reason()).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
            assertThat(e.failure().tlsRptResultType()).isEqualTo("certificate-not-trusted");
            assertThat(server.nextFailure().report().failure().orElseThrow().reason())
                    .isIn(Failure.Reason.TLS_HANDSHAKE_FAILED, Failure.Reason.CERTIFICATE_REJECTED, Failure.Reason.PEER_CLOSED);
            assertThat(server.server.stats().failed()).isEqualTo(1);
        }
    }

    @Test
    void delegatedTasksHandedToTheCallerRunOnTheGivenExecutors() throws Exception {
        ExecutorService serverTasks = Executors.newSingleThreadExecutor();
        ExecutorService clientTasks = Executors.newSingleThreadExecutor();
        AtomicInteger serverRan = new AtomicInteger();
        AtomicInteger clientRan = new AtomicInteger();
        Executor countingServer = r -> {
            serverRan.incrementAndGet();
            serverTasks.execute(r);
        };
        Executor countingClient = r -> {
            clientRan.incrementAndGet();
            clientTasks.execute(r);
        };
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build(),
                b -> b.taskExecutor(countingServer))) {
            NioClient handing = NioClient.builder().bufferPool(clientPool).taskExecutor(countingClient).build();
            try (NegotiatedChannel channel = handing.connect(server.address(),
                    Fixtures.client(TlsPolicy.REQUIRED).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build(), Smtp::client)) {
                assertThat(channel.isEncrypted()).isTrue();
                Fixtures.send(channel, "NOOP\r\n");
                assertThat(Fixtures.readReply(channel)).startsWith("250 ");
            }
        } finally {
            serverTasks.shutdown();
            clientTasks.shutdown();
        }
        assertThat(serverRan).as("server task batches").hasPositiveValue();
        assertThat(clientRan).as("client task batches").hasPositiveValue();
    }

    @Test
    void aConnectThatFailsIsAnIoExceptionNotANegotiationFailure() throws Exception {
        InetSocketAddress closedPort;
        try (SocketChannel probe = SocketChannel.open()) {
            probe.bind(Fixtures.anyLoopbackPort());
            closedPort = (InetSocketAddress) probe.getLocalAddress(); // bound, never listening
        }
        assertThatThrownBy(() -> client.connect(closedPort, Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(NegotiationException.class);
    }

    @Test
    void aConnectThatHangsTimesOut() throws Exception {
        // A listener that never accepts, with its backlog full: further SYNs go unanswered.
        try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    java.net.Socket s = new java.net.Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                    } catch (java.net.SocketTimeoutException backlogFull) {
                        // as intended: the backlog is full now
                    }
                    fillers.add(s);
                }
                NioClient impatient = NioClient.builder().bufferPool(clientPool).connectTimeout(java.time.Duration.ofMillis(300)).build();
                long start = System.nanoTime();
                assertThatThrownBy(() -> impatient.connect(full.getLocalSocketAddress(), Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client))
                        .isInstanceOf(java.net.SocketTimeoutException.class)
                        .hasMessageContaining("connect timed out");
                assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
            } finally {
                for (java.net.Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    private static int indexOf(List<Event.Line> transcript, String text) {
        for (int i = 0; i < transcript.size(); i++) {
            if (transcript.get(i).text().equals(text)) {
                return i;
            }
        }
        throw new AssertionError(text + " not in " + transcript);
    }

    private static int transcriptPort(SocketChannel closed) throws IOException {
        // The socket is closed; its local port is still known to the socket adaptor.
        return closed.socket().getLocalPort();
    }
}
