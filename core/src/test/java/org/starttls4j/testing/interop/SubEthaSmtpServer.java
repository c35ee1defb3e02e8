package org.starttls4j.testing.interop;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server for the client-side interop tests: SubEthaSMTP on a free port of 127.0.0.1,
 * presenting {@link InteropPki#serverIdentity()} for STARTTLS, in-process. It knows nothing of
 * any adapter, so the Netty tests can use it as is (it lives in this module only because
 * SubEthaSMTP is a test dependency here and not of the core).
 *
 * <p>With {@code requireTLS}, SubEthaSMTP answers every command but EHLO/HELO, STARTTLS, NOOP,
 * RSET and QUIT with {@code 530} until TLS is up, so a message it accepts certainly travelled
 * inside TLS.
 */
public final class SubEthaSmtpServer implements AutoCloseable {

    /**
     * A message SubEthaSMTP accepted.
     *
     * @param from the envelope sender
     * @param to   the envelope recipient
     * @param data the message, as received
     */
    public record Received(String from, String to, String data) {
    }

    private final SMTPServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    private SubEthaSmtpServer(boolean tls) {
        SMTPServer.Builder builder = SMTPServer.port(0)
                .bindAddress(FreePort.LOOPBACK)
                .hostName(InteropPki.SERVER_NAME)
                .connectionTimeout(20, TimeUnit.SECONDS)
                .messageHandler((context, from, to, data) ->
                        received.add(new Received(from, to, new String(data, StandardCharsets.ISO_8859_1))));
        if (tls) {
            builder.enableTLS().requireTLS().startTlsSocketFactory(InteropPki.serverIdentity().serverContext());
        }
        this.server = builder.build();
    }

    /** Starts SubEthaSMTP with STARTTLS announced and required. */
    public static SubEthaSmtpServer startWithRequiredTls() {
        SubEthaSmtpServer s = new SubEthaSmtpServer(true);
        s.server.start();
        return s;
    }

    /** Starts SubEthaSMTP without TLS: it never announces STARTTLS. */
    public static SubEthaSmtpServer startWithoutTls() {
        SubEthaSmtpServer s = new SubEthaSmtpServer(false);
        s.server.start();
        return s;
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return new InetSocketAddress(FreePort.LOOPBACK, server.getPortAllocated());
    }

    /**
     * Waits (bounded) for the next accepted message.
     *
     * @param timeout how long to wait
     * @return the message
     * @throws AssertionError when none arrives in time
     */
    public Received nextMessage(Duration timeout) {
        try {
            Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("SubEthaSMTP accepted no message within " + timeout);
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.stop();
    }
}
