package org.starttls4j.resolvers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.starttls4j.ServerConfig;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NioServer;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.interop.FreePort;

/**
 * An SMTP server of this library (the core's server dialog behind the NIO adapter) on 127.0.0.1,
 * presenting a given certificate after STARTTLS: it answers the EHLO sent inside TLS, then closes.
 */
public final class SmtpMx implements AutoCloseable {

    private final NioServer server;
    private final ExecutorService app = Executors.newSingleThreadExecutor();

    /**
     * Starts a server.
     *
     * @param hostname the name it gives itself
     * @param identity the certificate it presents and its key
     */
    public SmtpMx(String hostname, Identity identity) {
        this(hostname, identity, new InetSocketAddress(FreePort.LOOPBACK, 0));
    }

    /**
     * Starts a server at a given address: MX hosts of one domain share the probe's port, so each
     * listens on an address of its own in 127.0.0.0/8.
     *
     * @param hostname the name it gives itself
     * @param identity the certificate it presents and its key
     * @param bind     where it listens
     */
    public SmtpMx(String hostname, Identity identity, InetSocketAddress bind) {
        ServerConfig config = ServerConfig.builder().hostname(hostname).sslContext(identity.serverContext()).build();
        try {
            server = NioServer.builder(config, Smtp::server)
                    .bind(bind)
                    .onSession(channel -> app.execute(() -> answerEhlo(config, channel)))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return server.localAddress();
    }

    private static void answerEhlo(ServerConfig config, NegotiatedChannel channel) {
        try (channel) {
            channel.configureBlocking(true);
            StringBuilder line = new StringBuilder();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (line.length() < 512 && !(line.length() >= 2 && line.charAt(line.length() - 1) == '\n')) {
                one.clear();
                if (channel.read(one) < 0) {
                    return;
                }
                line.append((char) (one.get(0) & 0xff));
            }
            if (line.toString().startsWith("EHLO ")) {
                ByteBuffer reply = ByteBuffer.wrap(Smtp.ehloReplyAfterTls(config, line.substring(5).strip())
                        .getBytes(StandardCharsets.US_ASCII));
                while (reply.hasRemaining()) {
                    channel.write(reply);
                }
            }
        } catch (IOException | RuntimeException clientLeft) {
            // a client that rejected our certificate closes without EHLO
        }
    }

    @Override
    public void close() {
        server.close();
        app.shutdownNow();
    }
}
