package org.starttls4j.probe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code starttls4j serve …} running in this JVM on its own thread, until {@link #close()}. */
final class Serving implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern SHA256 = Pattern.compile("sha256 +([0-9a-f]{64})");

    private final StringBuffer out = new StringBuffer();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final CompletableFuture<String> started = new CompletableFuture<>();
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private int port;
    private String sha256;

    private Serving() {
    }

    /** Starts {@code serve} with {@code args} and waits (bounded) until it listens. */
    static Serving start(String... args) {
        Serving s = new Serving();
        Writer watching = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                s.out.append(buffer, offset, length);
                if (s.out.indexOf("stop with Ctrl-C") >= 0) {
                    s.started.complete(s.out.toString());
                }
                synchronized (s) {
                    s.notifyAll(); // for outputOnceItShows
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Commands.Io io = new Commands.Io(new PrintWriter(watching, true), new PrintWriter(s.err, true), Style.PLAIN, s.stop);
        Thread t = new Thread(() -> {
            int code = Main.run(args, io);
            s.status.complete(code);
            s.started.complete(s.out.toString());
        }, "serve-under-test");
        t.setDaemon(true);
        t.start();
        String banner;
        try {
            banner = s.started.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("serve did not start: " + s.out + s.err, e);
        }
        Matcher m = LISTENING.matcher(banner);
        if (!m.find()) {
            throw new AssertionError("serve did not say where it listens:\n" + banner + "\n" + s.err);
        }
        s.port = Integer.parseInt(m.group(1));
        Matcher h = SHA256.matcher(banner);
        s.sha256 = h.find() ? h.group(1) : null;
        return s;
    }

    int port() {
        return port;
    }

    String sha256() {
        return sha256;
    }

    /** Everything printed so far: the banner and the log. */
    String output() {
        return out.toString();
    }

    /**
     * Everything printed once the log shows {@code text}: for a line the server writes after the
     * client has seen the connection end. Waits on the writes, with a 30-second guard against a hang.
     */
    String outputOnceItShows(String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (this) {
            while (out.indexOf(text) < 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("serve never logged \"" + text + "\":\n" + out);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return out.toString();
    }

    /** The exit status once it has stopped, or null. */
    Integer statusNow() {
        return status.getNow(null);
    }

    /** Stops the server and returns its exit status. */
    int stop() {
        stop.complete(null);
        try {
            return status.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("serve did not stop", e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
