package org.starttls4j.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.starttls4j.PlaintextSession;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationException;
import org.starttls4j.nio.NioServer;
import org.starttls4j.nio.PlaintextChannel;

/**
 * A reference server's bytes through the NIO adapter: {@link NioServer} negotiates (and answers
 * "too busy" at capacity), then a worker thread serves each connection handed over. A session
 * handed over in plaintext (opportunistic policy) that asks for TLS later is handed back to a
 * resuming negotiation with what was read past the command (bytes there fail it as
 * {@code PLAINTEXT_INJECTION}), and goes on inside TLS.
 */
public final class NioTransport implements Transport {

    private final Sessions sessions;
    private final Duration idle;
    private final NioServer server;
    private final ExecutorService workers;
    private final Set<NegotiatedChannel> open = ConcurrentHashMap.newKeySet();

    /**
     * Starts listening.
     *
     * @param sessions what to do with each connection
     * @param bind     where to listen
     * @param idle     how long a connection handed over may stay silent
     * @throws IOException when the address cannot be bound
     */
    public NioTransport(Sessions sessions, InetSocketAddress bind, Duration idle) throws IOException {
        this.sessions = sessions;
        this.idle = idle;
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "starttls4j-reference-" + sessions.protocol().lowerName());
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = NioServer.builder(sessions.config(), sessions.protocol()::server)
                    .bind(bind)
                    .onSession(channel -> {
                        open.add(channel);
                        workers.execute(() -> serve(channel));
                    })
                    .onFailure((peer, report) -> sessions.negotiated(0, peer, report.events(), "", false))
                    .start();
        } catch (IOException | RuntimeException e) {
            workers.shutdownNow();
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    private void serve(NegotiatedChannel first) {
        SocketAddress peer = first.remoteAddress();
        String unread = first.session() instanceof PlaintextSession plain
                ? StandardCharsets.ISO_8859_1.decode(plain.unread()).toString() : "";
        int number = sessions.negotiated(0, peer, first.report().events(), unread, false);
        NegotiatedChannel channel = first;
        while (channel != null) {
            NegotiatedChannel resumed = converse(number, channel, peer);
            open.remove(channel);
            if (resumed != null) {
                open.add(resumed);
            }
            channel = resumed;
        }
    }

    /** Serves {@code channel} until it ends; returns the channel resumed inside TLS, if the client asked for TLS. */
    private NegotiatedChannel converse(int number, NegotiatedChannel channel, SocketAddress peer) {
        boolean encrypted = channel.isEncrypted();
        Conversation conversation = sessions.conversation(number, encrypted);
        try {
            channel.configureBlocking(true);
            channel.setTimeout(idle);
            InputStream in = Channels.newInputStream(channel);
            OutputStream out = Channels.newOutputStream(channel);
            if (!conversation.opening().isEmpty()) {
                out.write(conversation.opening().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            LineReader lines = new LineReader(in, ConversationLoop.MAX_LINE);
            String line;
            while ((line = lines.readLine()) != null) {
                if (channel instanceof PlaintextChannel plain && !conversation.readingData()
                        && Conversation.asksForTls(sessions.protocol(), line)) {
                    byte[] rest = lines.takeBuffered();
                    byte[] command = (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    return resume(number, plain, peer, ByteBuffer.allocate(command.length + rest.length).put(command).put(rest).flip());
                }
                Conversation.Answer answer = sessions.answer(conversation, peer, encrypted, line);
                if (!answer.send().isEmpty()) {
                    out.write(answer.send().getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                if (answer.close()) {
                    return null;
                }
            }
            sessions.ended(number, peer, encrypted, "the client closed the connection");
            return null;
        } catch (IOException e) {
            sessions.ended(number, peer, encrypted, "connection ended: " + e.getMessage());
            return null;
        } finally {
            closeQuietly(channel); // after a resume, the old view only: the socket is the new channel's
        }
    }

    private NegotiatedChannel resume(int number, PlaintextChannel plain, SocketAddress peer, ByteBuffer fromCommand) throws IOException {
        try {
            NegotiatedChannel secure = plain.startTls(sessions.protocol().serverResuming(sessions.config()), fromCommand);
            sessions.negotiated(number, peer, secure.report().events(), "", true);
            return secure;
        } catch (NegotiationException e) {
            sessions.negotiated(number, peer, e.report().events(), "", true);
            return null;
        }
    }

    @Override
    public void close() {
        server.close();
        for (NegotiatedChannel channel : open) {
            closeQuietly(channel);
        }
        workers.shutdownNow();
    }

    private static void closeQuietly(NegotiatedChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all that is left
        }
    }
}
