package org.starttls4j.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.starttls4j.ServerConfig;
import org.starttls4j.smtp.Smtp;

/**
 * The application behind a test {@link NioServer}: one thread, one selector, every handed-over
 * channel in non-blocking mode. It answers EHLO inside TLS with the post-TLS capabilities, MAIL,
 * RCPT and the rest with 250, QUIT with 221 and a close, and closes when the client does. It is
 * also the example of using {@link NegotiatedChannel} from a selector loop: it reads while
 * {@link NegotiatedChannel#hasBufferedInput()} (the client's EHLO usually arrives with the
 * handshake) and flushes pending output on {@code OP_WRITE}.
 */
final class SmtpResponder implements Consumer<NegotiatedChannel>, AutoCloseable {

    /**
     * One finished conversation.
     *
     * @param remotePort the client's port
     * @param encrypted  whether it was a secure channel
     * @param lines      every line the client sent after the hand-over
     * @param error      how it ended, if not with a clean close
     */
    record Served(int remotePort, boolean encrypted, List<String> lines, IOException error) {
    }

    private final ServerConfig config;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<NegotiatedChannel> incoming = new ConcurrentLinkedQueue<>();
    private final Set<Conversation> active = new HashSet<>(); // the responder thread's, then close()'s
    final BlockingQueue<Served> served = new LinkedBlockingQueue<>();
    final AtomicInteger open = new AtomicInteger();
    private volatile boolean running = true;

    private final class Conversation {
        final NegotiatedChannel channel;
        final int remotePort;
        final ByteBuffer in = ByteBuffer.allocate(4096);
        final StringBuilder partial = new StringBuilder();
        final List<String> lines = new ArrayList<>();
        ByteBuffer out; // reply bytes not yet accepted by the channel
        boolean closeAfterWrite;

        Conversation(NegotiatedChannel channel) {
            this.channel = channel;
            this.remotePort = ((InetSocketAddress) channel.remoteAddress()).getPort();
        }
    }

    SmtpResponder(ServerConfig config) throws IOException {
        this.config = config;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "smtp-responder");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(NegotiatedChannel channel) {
        open.incrementAndGet();
        incoming.add(channel);
        selector.wakeup();
    }

    private void run() {
        try {
            while (running) {
                selector.select();
                for (NegotiatedChannel c; (c = incoming.poll()) != null; ) {
                    Conversation conversation = new Conversation(c);
                    active.add(conversation);
                    try {
                        SelectionKey key = c.socketChannel().register(selector, SelectionKey.OP_READ, conversation);
                        serve(key, conversation); // the first command may already be buffered
                    } catch (ClosedChannelException e) {
                        finish(null, conversation, e);
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    serve(key, (Conversation) key.attachment());
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serve(SelectionKey key, Conversation c) {
        try {
            if (!writeOut(c)) {
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            if (c.closeAfterWrite) {
                finish(key, c, null);
                return;
            }
            while (true) {
                c.in.clear();
                int n = c.channel.read(c.in);
                if (n < 0) {
                    finish(key, c, null);
                    return;
                }
                if (n == 0) {
                    break;
                }
                c.in.flip();
                c.partial.append(StandardCharsets.ISO_8859_1.decode(c.in));
                int end;
                while ((end = c.partial.indexOf("\r\n")) >= 0) {
                    String line = c.partial.substring(0, end);
                    c.partial.delete(0, end + 2);
                    c.lines.add(line);
                    respond(c, line);
                }
                if (!writeOut(c)) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
                if (c.closeAfterWrite) {
                    finish(key, c, null);
                    return;
                }
            }
            key.interestOps(SelectionKey.OP_READ);
        } catch (IOException e) {
            finish(key, c, e);
        }
    }

    private void respond(Conversation c, String line) {
        String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        String reply;
        switch (verb) {
            case "EHLO":
                reply = c.channel.isEncrypted() ? Smtp.ehloReplyAfterTls(config, line.substring(5).trim())
                        : "250 " + config.hostname() + "\r\n";
                break;
            case "QUIT":
                reply = "221 2.0.0 Bye\r\n";
                c.closeAfterWrite = true;
                break;
            case "DATA":
                reply = "554 5.5.1 No DATA in this test\r\n";
                break;
            default:
                reply = "250 2.0.0 Ok: " + verb + "\r\n";
        }
        ByteBuffer bytes = Fixtures.ascii(reply);
        if (c.out == null) {
            c.out = bytes;
        } else {
            ByteBuffer both = ByteBuffer.allocate(c.out.remaining() + bytes.remaining()).put(c.out).put(bytes);
            c.out = both.flip();
        }
    }

    /** Writes what is waiting; true when nothing is left. */
    private boolean writeOut(Conversation c) throws IOException {
        if (!c.channel.flush()) {
            return false;
        }
        if (c.out != null) {
            c.channel.write(c.out);
            if (c.out.hasRemaining()) {
                return false;
            }
            c.out = null;
        }
        return !c.channel.hasPendingOutput();
    }

    private void finish(SelectionKey key, Conversation c, IOException error) {
        if (key != null) {
            key.cancel();
        }
        active.remove(c);
        try {
            if (c.channel instanceof SecureChannel) {
                ((SecureChannel) c.channel).setCloseTimeout(Duration.ZERO); // never stall this loop
            }
            c.channel.close();
        } catch (IOException ignored) {
            // counted as closed: the socket is gone either way
        }
        open.decrementAndGet();
        served.add(new Served(c.remotePort, c.channel.isEncrypted(), List.copyOf(c.lines), error));
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Conversation c : List.copyOf(active)) {
            finish(null, c, new ClosedChannelException());
        }
        for (NegotiatedChannel c; (c = incoming.poll()) != null; ) {
            c.close();
            open.decrementAndGet();
        }
        selector.close();
    }
}
