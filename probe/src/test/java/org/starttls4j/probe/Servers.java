package org.starttls4j.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testkit.ReferenceServer;
import org.starttls4j.testkit.TlsMode;

/** Reference servers on loopback for the tests, all presenting one self-signed certificate. */
final class Servers {

    /** The name in the test certificate. */
    static final String NAME = "mail.example.test";

    private static final ServerIdentity IDENTITY = ServerIdentity.selfSigned(NAME);
    private static final Path TRUST = write("starttls4j-trust-", IDENTITY.certificatePem());

    private Servers() {
    }

    /**
     * A running reference server and what it logged.
     *
     * @param server the server
     * @param log    its log lines
     */
    record Running(ReferenceServer server, Queue<String> log) implements AutoCloseable {

        int port() {
            return server.address().getPort();
        }

        /** The URL of this server for {@code protocol} (implicit when it runs implicit TLS). */
        String url() {
            return server.protocol().lowerName() + (server.mode() == TlsMode.IMPLICIT_TLS ? "s" : "") + "://127.0.0.1:" + port();
        }

        /** The same server as {@code submission://} (SMTP only). */
        String submissionUrl() {
            return "submission://127.0.0.1:" + port();
        }

        String logText() {
            return String.join("\n", List.copyOf(log));
        }

        @Override
        public void close() {
            server.close();
        }
    }

    static ServerIdentity identity() {
        return IDENTITY;
    }

    /** A PEM file holding the test certificate. */
    static Path trustFile() {
        return TRUST;
    }

    /** The options that make a client trust the test certificate and verify its name. */
    static String[] trust() {
        return new String[] {"--trust", TRUST.toString(), "--server-name", NAME};
    }

    static Running start(Protocol protocol, TlsPolicy policy, Adapter adapter) {
        return start(protocol, policy, adapter, IDENTITY);
    }

    static Running start(Protocol protocol, TlsPolicy policy, Adapter adapter, ServerIdentity identity) {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try {
            ReferenceServer server = ReferenceServers.start(protocol, policy,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), identity, adapter, log::add);
            return new Running(server, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port on which nothing listens (it was free a moment ago). */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(String prefix, String text) {
        try {
            Path file = Files.createTempFile(prefix, ".pem");
            file.toFile().deleteOnExit();
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Joins option arrays. */
    static String[] args(Object... parts) {
        return java.util.Arrays.stream(parts).flatMap(p -> p instanceof String[] a ? java.util.Arrays.stream(a)
                : java.util.stream.Stream.of((String) p)).toArray(String[]::new);
    }
}
