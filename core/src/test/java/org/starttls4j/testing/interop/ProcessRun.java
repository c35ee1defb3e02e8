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
        return run(command, workDir, stdin, timeout, extraEnv, false);
    }

    /**
     * Runs {@code command} as {@link #run} does, but keeps its standard input open after
     * {@code stdin} until it exits (or is killed): for a program that ends its session as soon as
     * its input ends, without waiting for the peer's answers ({@code gnutls-cli} sends close_notify
     * and quits at end of input; it has no {@code -ign_eof}). The program must end by itself, e.g.
     * when the server closes the connection after QUIT.
     *
     * @param command  the program and its arguments
     * @param workDir  working directory; the captured output files go there too
     * @param stdin    bytes for standard input (which then stays open)
     * @param timeout  how long to wait before killing the process tree
     * @param extraEnv variables added to the inherited environment
     * @return the result; never throws because the program failed
     */
    public static Result runHoldingInputOpen(List<String> command, Path workDir, byte[] stdin, Duration timeout,
                                             Map<String, String> extraEnv) {
        return run(command, workDir, stdin, timeout, extraEnv, true);
    }

    private static Result run(List<String> command, Path workDir, byte[] stdin, Duration timeout, Map<String, String> extraEnv,
                              boolean holdInputOpen) {
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, "stdout-", ".txt");
            Path err = Files.createTempFile(workDir, "stderr-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            if (!holdInputOpen) {
                Path in = Files.createTempFile(workDir, "stdin-", ".bin");
                Files.write(in, stdin);
                builder.redirectInput(in.toFile());
            }
            builder.environment().putAll(extraEnv);
            Process process = builder.start();
            if (holdInputOpen) {
                try {
                    process.getOutputStream().write(stdin);
                    process.getOutputStream().flush();
                } catch (IOException exitedEarly) {
                    // it stopped reading (a failed handshake, say): its output says why
                }
            }
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
            if (holdInputOpen) {
                try {
                    process.getOutputStream().close();
                } catch (IOException alreadyGone) {
                    // the process has exited; nothing reads the pipe any more
                }
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
