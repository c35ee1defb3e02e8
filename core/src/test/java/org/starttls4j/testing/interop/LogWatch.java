package org.starttls4j.testing.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A bounded wait for a line in a log that another process writes (Postfix's {@code postlogd}, a
 * moment after the fact): woken by file-system change events on the log's directory, never by a
 * blind sleep, and re-reading at least every 250 ms in case an event was coalesced away.
 */
final class LogWatch {

    private LogWatch() {
    }

    /**
     * How many times {@code pattern} occurs in {@code text}.
     *
     * @param pattern what to count
     * @param text    the log
     * @return the number of matches
     */
    static long count(Pattern pattern, String text) {
        return pattern.matcher(text).results().count();
    }

    /**
     * Waits until {@code pattern} occurs at least {@code count} times in {@code log}.
     *
     * @param directory where the log file lives (watched for changes)
     * @param log       reads the whole log
     * @param pattern   what to find
     * @param count     how many occurrences to wait for
     * @param timeout   how long to wait
     * @param who       whose log, for the failure message
     * @throws AssertionError when the log does not match in time (with the log)
     */
    static void await(Path directory, Supplier<String> log, Pattern pattern, long count, Duration timeout, String who) {
        Instant deadline = Instant.now().plus(timeout);
        try (WatchService watcher = directory.getFileSystem().newWatchService()) {
            directory.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            while (true) {
                if (count(pattern, log.get()) >= count) {
                    return;
                }
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0) {
                    throw new AssertionError(who + "'s log does not match " + pattern + " " + count + " times after "
                            + timeout + "\n" + log.get());
                }
                WatchKey key = watcher.poll(Math.min(left, 250), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
