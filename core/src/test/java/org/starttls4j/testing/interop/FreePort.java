package org.starttls4j.testing.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Loopback ports for servers the tests start, and a bounded wait for them to listen. */
public final class FreePort {

    /** The only address the interop tests use. */
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private FreePort() {
    }

    /**
     * A port on 127.0.0.1 that was free a moment ago (the kernel picked it). Another process can
     * take it before the caller binds it; on a test machine that is rare enough.
     *
     * @return a high port
     */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    /**
     * Waits until something accepts connections on {@code 127.0.0.1:port}: a real connect attempt
     * in a loop until {@code timeout}. Between attempts it waits on the owning process's exit (at
     * most 20 ms), so a server that dies is noticed at once and no thread ever sleeps blindly.
     *
     * @param port     the port
     * @param timeout  how long to keep trying
     * @param owner    the server's process
     * @param describe what to add to the failure message (e.g. the server's log)
     */
    public static void awaitListening(int port, Duration timeout, ProcessHandle owner, Supplier<String> describe) {
        Instant deadline = Instant.now().plus(timeout);
        IOException last = null;
        CompletableFuture<ProcessHandle> exit = owner.onExit();
        while (Instant.now().isBefore(deadline)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 1000);
                return;
            } catch (IOException e) {
                last = e;
            }
            try {
                exit.get(20, TimeUnit.MILLISECONDS);
                throw new AssertionError("the server exited before it listened on port " + port + "\n" + describe.get());
            } catch (TimeoutException stillRunning) {
                // not listening yet, still alive: try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for port " + port, e);
            } catch (ExecutionException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("nothing listened on 127.0.0.1:" + port + " within " + timeout + " (last: " + last + ")\n"
                + describe.get());
    }
}
