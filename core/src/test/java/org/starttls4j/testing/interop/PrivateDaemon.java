package org.starttls4j.testing.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What every private server the interop tests start from a temporary directory (Dovecot,
 * Postfix) does the same way: bind ports picked free a moment before (and try again when another
 * process took one meanwhile), show its log files, and go away with its whole process tree and
 * directory.
 */
final class PrivateDaemon {

    private static final int ATTEMPTS = 3;

    private PrivateDaemon() {
    }

    /** The server exited because a port picked for it was taken meanwhile; the message is its log. */
    static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTaken(String log) {
            super(log, null, false, false);
        }
    }

    /**
     * Runs {@code attempt} until it does not throw {@link PortTaken}, three times at most.
     *
     * @param who     the server's name, for the failure message
     * @param attempt one start with fresh ports
     * @param <T>     the running server
     * @return what the successful attempt returned
     * @throws AssertionError when every attempt found a port taken (with the last log)
     */
    static <T> T startWithFreshPorts(String who, Supplier<T> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.get();
            } catch (PortTaken e) {
                if (i == ATTEMPTS) {
                    throw new AssertionError(who + " could not bind its ports in " + ATTEMPTS + " attempts\n" + e.getMessage());
                }
            }
        }
    }

    /**
     * The named files of {@code root}, each under a header, for assertions and failure messages.
     *
     * @param root  the server's directory
     * @param names the log files in it, in the order to show
     * @return their text (ISO-8859-1), or a note where one cannot be read
     */
    static String logs(Path root, List<String> names) {
        StringBuilder s = new StringBuilder();
        for (String name : names) {
            Path file = root.resolve(name);
            try {
                if (Files.exists(file)) {
                    s.append("--- ").append(name).append(" ---\n").append(Files.readString(file, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                s.append("(cannot read ").append(file).append(": ").append(e).append(")\n");
            }
        }
        return s.toString();
    }

    /**
     * Stops a server's process tree, then deletes its directory. Never throws.
     *
     * @param process the server's main process
     * @param root    its directory
     */
    static void stopAndDelete(Process process, Path root) {
        ProcessRun.killTree(process.toHandle(), Duration.ofSeconds(5));
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is not worth failing a test for
        }
    }
}
