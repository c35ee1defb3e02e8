package org.starttls4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.EngineFactory;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;

/** Names, configurations, TLS engines and small Netty helpers shared by the adapter's tests. */
final class Fixtures {

    static final String HOST = "mail.example.test";
    static final String CLIENT_NAME = "client.example.test";
    static final TestPki.KeyType KEY_TYPE = TestPki.KeyType.EC_P256;

    /** Before TLS: no AUTH. After TLS: AUTH, which is how a client proves it asked inside TLS. */
    static final Capabilities SMTP_BEFORE = caps("PIPELINING", "8BITMIME");
    static final Capabilities SMTP_AFTER = caps("PIPELINING", "8BITMIME", "AUTH PLAIN LOGIN");

    private static SSLContext jdkServerContext;
    private static SslContext opensslServerContext;
    private static SslContext opensslClientContext;

    private Fixtures() {
    }

    /** Which TLS implementation an end uses. */
    enum Engine {
        /** The JDK's SSLEngine, through an {@link SSLContext}. */
        JDK,
        /** Netty's BoringSSL engine ({@code netty-tcnative-boringssl-static}), {@link SslProvider#OPENSSL}. */
        OPENSSL
    }

    static Capabilities caps(String... announced) {
        List<Capability> list = new ArrayList<>();
        for (String one : announced) {
            String[] words = one.split(" ");
            list.add(new Capability(words[0], List.of(words).subList(1, words.length)));
        }
        return new Capabilities(list);
    }

    static Identity serverIdentity() {
        return TestPki.server(KEY_TYPE, HOST);
    }

    static synchronized SSLContext jdkServerContext() {
        if (jdkServerContext == null) {
            jdkServerContext = serverIdentity().serverContext();
        }
        return jdkServerContext;
    }

    /** Fails (never skips) when BoringSSL cannot be loaded. */
    static void requireOpenSsl() {
        if (!OpenSsl.isAvailable()) {
            throw new AssertionError("netty-tcnative-boringssl-static did not load", OpenSsl.unavailabilityCause());
        }
    }

    static synchronized SslContext opensslServerContext() {
        if (opensslServerContext == null) {
            requireOpenSsl();
            Identity id = serverIdentity();
            try {
                opensslServerContext = SslContextBuilder.forServer(id.key(), id.chain()).sslProvider(SslProvider.OPENSSL).build();
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        }
        return opensslServerContext;
    }

    /**
     * A BoringSSL client context trusting the test CA, with Netty's own hostname verification
     * switched off: whatever verification happens is the one the core's {@code EngineSetup} asks
     * for through {@code SSLParameters}.
     */
    static synchronized SslContext opensslClientContext() {
        if (opensslClientContext == null) {
            requireOpenSsl();
            try {
                opensslClientContext = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                        .trustManager(TestPki.ca(KEY_TYPE)).endpointIdentificationAlgorithm(null).build();
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        }
        return opensslClientContext;
    }

    /** Through {@link BoringSsl#engines}, as the class comment of {@code BoringSsl} tells users: the handlers make the {@code SslHandler} from the context. */
    static EngineFactory opensslClientEngines() {
        return BoringSsl.engines(opensslClientContext());
    }

    static EngineFactory opensslServerEngines() {
        return BoringSsl.engines(opensslServerContext());
    }

    /**
     * A factory of the context's engines that the handlers cannot see through: they take its engine,
     * as for any factory of the user's own. It releases reference-counted engines it is handed back
     * (the configuration's probe engine).
     */
    static EngineFactory opaque(SslContext context) {
        return new EngineFactory() {
            @Override
            public SSLEngine create(String host, int port) {
                return context.isClient() ? context.newEngine(ByteBufAllocator.DEFAULT, host, port) : context.newEngine(ByteBufAllocator.DEFAULT);
            }

            @Override
            public void release(SSLEngine engine) {
                ReferenceCountUtil.release(engine);
            }
        };
    }

    static ServerConfig.Builder server(TlsPolicy policy, Engine engine) {
        ServerConfig.Builder b = ServerConfig.builder().policy(policy).hostname(HOST)
                .capabilitiesBeforeTls(SMTP_BEFORE).capabilitiesAfterTls(SMTP_AFTER);
        return engine == Engine.JDK ? b.sslContext(jdkServerContext()) : b.engineFactory(opensslServerEngines());
    }

    static ServerConfig server(TlsPolicy policy) {
        return server(policy, Engine.JDK).build();
    }

    static ClientConfig.Builder client(TlsPolicy policy, Engine engine) {
        ClientConfig.Builder b = ClientConfig.builder(HOST).policy(policy).clientName(CLIENT_NAME);
        return engine == Engine.JDK ? b.trustAnchors(List.of(TestPki.ca(KEY_TYPE))) : b.engineFactory(opensslClientEngines());
    }

    static ClientConfig client(TlsPolicy policy) {
        return client(policy, Engine.JDK).build();
    }

    // ------------------------------------------------------------------ bytes

    static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    /** A TLS 1.2-framed application-data record of 40 zero bytes: no key decrypts it. */
    static ByteBuf forgedRecord() {
        byte[] forged = new byte[5 + 40];
        forged[0] = 0x17;
        forged[1] = 0x03;
        forged[2] = 0x03;
        forged[4] = 40;
        return Unpooled.wrappedBuffer(forged);
    }

    /** Everything flushed so far on {@code channel}, as text; every buffer is released. */
    static String drainOutbound(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            try {
                text.append(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return text.toString();
    }

    /** How many buffers were flushed on {@code channel}; every buffer is released. */
    static int countOutbound(EmbeddedChannel channel) {
        int n = 0;
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(msg);
            n++;
        }
        return n;
    }

    /**
     * Moves bytes between two embedded channels until neither has anything left to send, running
     * each one's pending tasks: an in-memory wire.
     */
    static void pump(EmbeddedChannel a, EmbeddedChannel b) {
        boolean moved;
        do {
            a.runPendingTasks();
            b.runPendingTasks();
            moved = transfer(a, b) | transfer(b, a);
        } while (moved);
    }

    /** Moves everything {@code from} flushed to {@code to} as one read, as a socket read would coalesce it. */
    static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        ByteBuf batch = null;
        for (Object msg; (msg = from.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            if (batch == null) {
                batch = Unpooled.buffer(buf.readableBytes());
            }
            batch.writeBytes(buf);
            buf.release();
        }
        if (batch == null) {
            return false;
        }
        if (to.isOpen()) {
            to.writeInbound(batch);
        } else {
            batch.release();
        }
        return true;
    }

    /** The embedded channels one test opens; {@link #releaseAll} finishes them after it. */
    static final class Channels {
        private final List<EmbeddedChannel> opened = new ArrayList<>();

        EmbeddedChannel open(io.netty.channel.ChannelHandler... handlers) {
            EmbeddedChannel channel = new EmbeddedChannel(handlers);
            opened.add(channel);
            return channel;
        }

        void releaseAll() {
            opened.forEach(EmbeddedChannel::finishAndReleaseAll);
        }
    }

    // ------------------------------------------------------------------ handlers

    /** Sits behind a StartTlsHandler and keeps what reached the application. Not thread-safe. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<StartTlsCompletionEvent> completions = new ArrayList<>();
        final List<Object> otherEvents = new ArrayList<>();
        final List<Throwable> exceptions = new ArrayList<>();
        final List<String> order = new ArrayList<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int reads;
        int readCompletes;
        boolean inactive;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf buf = (ByteBuf) msg;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                received.write(bytes, 0, bytes.length);
                reads++;
                order.add("read:" + new String(bytes, StandardCharsets.ISO_8859_1));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readCompletes++;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof StartTlsCompletionEvent) {
                completions.add((StartTlsCompletionEvent) evt);
                order.add("completion:" + evt.getClass().getSimpleName());
            } else {
                otherEvents.add(evt);
                order.add("event:" + evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive = true;
        }

        String received() {
            return received.toString(StandardCharsets.ISO_8859_1);
        }

        /** Forgets the bytes, reads and order seen so far (not the completion). */
        void clearReads() {
            received.reset();
            reads = 0;
            readCompletes = 0;
            order.clear();
        }

        /** The one completion event; fails if there is not exactly one. */
        StartTlsCompletionEvent completion() {
            if (completions.size() != 1) {
                throw new AssertionError("expected exactly one completion event, got " + completions);
            }
            return completions.get(0);
        }

        <T extends StartTlsCompletionEvent> T completion(Class<T> type) {
            StartTlsCompletionEvent e = completion();
            if (!type.isInstance(e)) {
                throw new AssertionError("expected " + type.getSimpleName() + ", got " + e);
            }
            return type.cast(e);
        }

        Optional<StartTlsCompletionEvent> maybeCompletion() {
            return completions.stream().findFirst();
        }
    }

    /** Sits in front of (closer to the socket than) a StartTlsHandler and counts its outbound operations. */
    static final class OutboundCounter extends ChannelOutboundHandlerAdapter {
        int reads;
        int flushes;
        int writes;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes++;
            ctx.write(msg, promise);
        }
    }
}
