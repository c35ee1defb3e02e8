package org.starttls4j.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;

/** Shared test configuration: names, certificates, configs, and small blocking I/O helpers. */
final class Fixtures {

    static final String HOST = "mail.example.test";
    static final TestPki.KeyType KEY = TestPki.KeyType.EC_P256;
    static final Capabilities BEFORE_TLS = new Capabilities(List.of(
            new Capability("PIPELINING", List.of()), new Capability("8BITMIME", List.of())));
    static final Capabilities AFTER_TLS = new Capabilities(List.of(
            new Capability("PIPELINING", List.of()), new Capability("8BITMIME", List.of()),
            new Capability("AUTH", List.of("PLAIN", "LOGIN"))));

    private Fixtures() {
    }

    /**
     * A server context for {@link #HOST}. Built here with the "SunX509" key manager, which reads
     * the key once: {@code Identity.serverContext()} uses the "PKIX" one over a PKCS#12 store,
     * which decrypts the key (PBKDF2, ten thousand rounds) on every handshake, and that alone
     * would dominate a load test.
     */
    static SSLContext serverContext() {
        return serverContext(keyManager -> keyManager);
    }

    /**
     * {@link #serverContext()} with its key manager wrapped, e.g. to note where handshakes ask it.
     *
     * @param wrap what stands in front of the real key manager
     */
    static SSLContext serverContext(UnaryOperator<X509ExtendedKeyManager> wrap) {
        try {
            Identity identity = TestPki.server(KEY, HOST);
            char[] password = "test".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", identity.key(), password, identity.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new X509ExtendedKeyManager[] {wrap.apply((X509ExtendedKeyManager) keys.getKeyManagers()[0])}, null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ServerConfig.Builder server(TlsPolicy policy) {
        ServerConfig.Builder b = ServerConfig.builder().policy(policy).hostname(HOST)
                .capabilitiesBeforeTls(BEFORE_TLS).capabilitiesAfterTls(AFTER_TLS)
                .timeouts(Timeouts.of(Duration.ofSeconds(20)));
        if (policy != TlsPolicy.PLAINTEXT_ONLY) {
            b.sslContext(serverContext());
        }
        return b;
    }

    static ClientConfig.Builder client(TlsPolicy policy) {
        return ClientConfig.builder(HOST).policy(policy).trustAnchors(List.of(TestPki.ca(KEY)))
                .timeouts(Timeouts.of(Duration.ofSeconds(20)));
    }

    static InetSocketAddress anyLoopbackPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes all of {@code s} on a blocking channel. */
    static void send(NegotiatedChannel channel, String s) throws IOException {
        ByteBuffer b = ascii(s);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Reads one CRLF-terminated line (without CRLF) from a blocking channel, a byte at a time; null at end of stream. */
    static String readLine(NegotiatedChannel channel) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            int n = channel.read(one);
            if (n < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            if (n == 0) {
                throw new IllegalStateException("a blocking channel read 0 bytes");
            }
            line.append((char) (one.get(0) & 0xff));
            int len = line.length();
            if (len >= 2 && line.charAt(len - 2) == '\r' && line.charAt(len - 1) == '\n') {
                return line.substring(0, len - 2);
            }
        }
    }

    /** Reads an SMTP reply (all its lines) and returns its last line. */
    static String readReply(NegotiatedChannel channel) throws IOException {
        String line;
        do {
            line = readLine(channel);
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    /**
     * Open file descriptors of this process: the entries of {@code /dev/fd}, which Linux (where CI
     * runs) and macOS both keep (the listing's own descriptor is in every count, so differences are
     * exact). Elsewhere the descriptor checks cannot be made, and the test that asks says so by
     * failing rather than passing on a count of nothing.
     */
    static long openFileDescriptors() throws IOException {
        Path fds = Path.of("/dev/fd");
        if (!Files.isDirectory(fds)) {
            throw new AssertionError("no /dev/fd on this system: the descriptor checks cannot run here");
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        }
    }
}
