package org.starttls4j.resolvers;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.interop.FreePort;

/**
 * An HTTPS server on 127.0.0.1 answering {@code /.well-known/mta-sts.txt} with whatever a test
 * sets: a status, a media type, a body, a redirect, or no answer until released.
 */
public final class PolicyServer implements AutoCloseable {

    /** What the server answers. */
    public record Reply(int status, String contentType, byte[] body, String location) {
        /** A 200 text/plain answer with this policy. */
        public static Reply policy(String text) {
            return new Reply(200, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), null);
        }
    }

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicReference<Reply> reply = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    /**
     * Starts a server presenting {@code identity}.
     *
     * @param identity the certificate (for {@code mta-sts.<domain>}) and its key
     */
    public PolicyServer(Identity identity) {
        try {
            server = HttpsServer.create(new InetSocketAddress(FreePort.LOOPBACK, 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(identity.serverContext()));
        server.setExecutor(executor);
        server.createContext("/.well-known/mta-sts.txt", exchange -> {
            requests.incrementAndGet();
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Reply r = reply.get();
            if (r.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", r.contentType());
            }
            if (r.location() != null) {
                exchange.getResponseHeaders().set("Location", r.location());
            }
            exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(r.body());
            } catch (IOException clientWentAway) {
                // a client that stops reading an oversized body closes the connection
            }
        });
        server.start();
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Sets what the server answers. */
    public PolicyServer answer(Reply value) {
        reply.set(value);
        return this;
    }

    /** Holds every answer until {@link #release()}. */
    public PolicyServer holdAnswers() {
        hold = new CountDownLatch(1);
        return this;
    }

    /** Lets held answers go. */
    public void release() {
        hold.countDown();
    }

    /** How many requests arrived. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
