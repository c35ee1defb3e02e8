package org.starttls4j.testing.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A Postfix lookup table served over loopback with Postfix's own {@code tcp_table(5)} protocol
 * ({@code get KEY\n} answered by {@code 200 VALUE\n} or {@code 500 not found\n}), so that a test
 * can change what a running Postfix looks up without editing a map file and reloading: Postfix
 * refuses {@code $1} substitutions in transport maps, and its daemons read regexp files once.
 *
 * <p>One thread accepts; each connection (Postfix keeps one open per daemon process) gets a
 * daemon thread of its own. Requests and replies are bounded by the protocol's 4096 characters.
 */
final class PostfixLookupTable implements AutoCloseable {

    private static final int MAX_LINE = 4096;

    private final ServerSocket listener;
    private final Function<String, Optional<String>> lookup;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private PostfixLookupTable(ServerSocket listener, Function<String, Optional<String>> lookup) {
        this.listener = listener;
        this.lookup = lookup;
    }

    /**
     * Listens on a free port of 127.0.0.1 and answers every {@code get} with {@code lookup}.
     *
     * @param lookup the table: a decoded key to its value, or empty for "not found"
     * @return the running table; {@code tcp:127.0.0.1:}{@link #port()} in Postfix's configuration
     */
    static PostfixLookupTable start(Function<String, Optional<String>> lookup) {
        try {
            PostfixLookupTable table = new PostfixLookupTable(new ServerSocket(0, 16, FreePort.LOOPBACK), lookup);
            daemon("postfix-tcp-table-accept", table::acceptLoop).start();
            return table;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for Postfix's table lookups", e);
        }
    }

    /** The port Postfix connects to. */
    int port() {
        return listener.getLocalPort();
    }

    /** How Postfix names this table in {@code main.cf}. */
    String mapName() {
        return "tcp:127.0.0.1:" + port();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                daemon("postfix-tcp-table-" + socket.getPort(), () -> serve(socket)).start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b != '\n') {
                    if (line.size() >= MAX_LINE) {
                        out.write("400 request too long\n".getBytes(StandardCharsets.US_ASCII));
                        return;
                    }
                    line.write(b);
                    continue;
                }
                String request = line.toString(StandardCharsets.US_ASCII);
                line.reset();
                out.write(answer(request).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (SocketException e) {
            // closed by close() or by Postfix: nothing to answer any more
        } catch (IOException e) {
            // the same: this is a test fixture, Postfix logs a failed lookup itself
        } finally {
            open.remove(socket);
        }
    }

    private String answer(String request) {
        if (!request.startsWith("get ")) {
            return "400 only get is supported\n";
        }
        Optional<String> value = lookup.apply(decode(request.substring(4).trim()));
        return value.map(v -> "200 " + encode(v) + "\n").orElse("500 not found\n");
    }

    /** Undoes the protocol's {@code %XX} encoding. */
    static String decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** The protocol's encoding: {@code %}, whitespace and non-printing characters as {@code %XX}. */
    static String encode(String text) {
        StringBuilder s = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            int c = b & 0xff;
            if (c == '%' || c <= ' ' || c >= 0x7f) {
                s.append('%').append(String.format("%02X", c));
            } else {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    /** Stops listening and closes every connection. Never throws. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // best effort
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
