package org.starttls4j.testing.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program to completion with a bounded wait: standard input from bytes, standard
 * output and error captured to files (so no reader threads and no pipe can fill up), the whole
 * process tree killed when the time is up.
 */
public final class ProcessRun {

    private ProcessRun() {
    }

    /**
     * What a finished (or killed) run left behind.
     *
     * @param command  the command line, for messages
     * @param exitCode the exit code; -1 when it was killed on timeout
     * @param timedOut whether the time ran out
     * @param stdout   standard output, decoded as ISO-8859-1 (one char per byte)
     * @param stderr   standard error, decoded as ISO-8859-1
     */
    public record Result(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr) {

        /** Everything, for an assertion message. */
        public String describe() {
            return "command: " + String.join(" ", command) + "\nexit: " + (timedOut ? "killed after timeout" : exitCode)
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * Runs {@code command} in {@code workDir} with {@code stdin} as its input.
     *
     * @param command  the program and its arguments
     * @param workDir  working directory; the captured output files go there too
     * @param stdin    bytes for standard input (then end of file)
     * @param timeout  how long to wait before killing the process tree
     * @param extraEnv variables added to the inherited environment
     * @return the result; never throws because the program failed
     */
    public static Result run(List<String> command, Path workDir, byte[] stdin, Duration timeout, Map<String, String> extraEnv) {
        try {
            Files.createDirectories(workDir);
            Path in = Files.createTempFile(workDir, "stdin-", ".bin");
            Path out = Files.createTempFile(workDir, "stdout-", ".txt");
            Path err = Files.createTempFile(workDir, "stderr-", ".txt");
            Files.write(in, stdin);
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(extraEnv);
            Process process = builder.start();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            if (!finished) {
                killTree(process.toHandle(), Duration.ofSeconds(5));
            }
            return new Result(List.copyOf(command), finished ? process.exitValue() : -1, !finished,
                    Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    /**
     * Kills a process and everything it started: the descendants are listed first (they would be
     * re-parented once the root dies), the root is asked to stop, and whatever is still alive
     * after {@code grace} is killed forcibly.
     *
     * @param root  the process
     * @param grace how long the process tree may take to stop after SIGTERM
     */
    public static void killTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroy();
        try {
            root.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            root.destroyForcibly();
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        for (ProcessHandle child : root.descendants().toList()) {
            child.destroyForcibly();
        }
    }
}
