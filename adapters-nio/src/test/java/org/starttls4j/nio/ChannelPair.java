package org.starttls4j.nio;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.starttls4j.ClientConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.smtp.Smtp;

/**
 * Two {@link SecureChannel}s joined over 127.0.0.1 by a real SMTP negotiation: our client, our
 * server, and a tiny application that answers the client's EHLO inside TLS before handing the
 * server's channel to the test. Each side has its own buffer pool, for leak counting.
 */
final class ChannelPair implements AutoCloseable {

    final BufferPool clientPool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 16, false);
    final BufferPool serverPool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 16, false);
    final NioServer listener;
    final SecureChannel client;
    final SecureChannel server;
    private final ExecutorService app = Executors.newSingleThreadExecutor();

    ChannelPair(ServerConfig serverConfig, ClientConfig clientConfig) throws IOException, InterruptedException {
        BlockingQueue<Object> handed = new LinkedBlockingQueue<>();
        listener = NioServer.builder(serverConfig, Smtp::server)
                .bind(Fixtures.anyLoopbackPort())
                .bufferPool(serverPool)
                .onSession(channel -> app.execute(() -> {
                    try {
                        channel.configureBlocking(true);
                        String ehlo = Fixtures.readLine(channel);
                        Fixtures.send(channel, Smtp.ehloReplyAfterTls(serverConfig, ehlo.substring(5)));
                        handed.add(channel);
                    } catch (IOException | RuntimeException e) {
                        handed.add(e);
                    }
                }))
                .start();
        try {
            client = (SecureChannel) NioClient.builder().bufferPool(clientPool).build()
                    .connect(listener.localAddress(), clientConfig, Smtp::client);
            Object s = handed.poll(20, TimeUnit.SECONDS);
            if (!(s instanceof SecureChannel)) {
                throw new AssertionError("no server channel: " + s);
            }
            server = (SecureChannel) s;
        } catch (IOException | RuntimeException | InterruptedException | Error e) {
            listener.close();
            app.shutdownNow();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
        listener.close();
        app.shutdownNow();
    }
}
