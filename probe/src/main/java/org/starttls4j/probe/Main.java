package org.starttls4j.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The {@code starttls4j} command line.
 *
 * <pre>
 * starttls4j                         the embedded demo: reference servers on loopback, probed with both adapters
 * starttls4j probe URL [options]     negotiate as a client and report (exit 0 ok, 1 not as the policy demands,
 *                                    2 usage error, 3 unreachable; with --mx 4 when an MX host was skipped)
 * starttls4j audit URL [options]     active checks, each PASS/WARN/FAIL (exit 1 when any FAIL)
 * starttls4j serve smtp|imap|pop3|lmtp|sieve|nntp   a reference server for testing mail clients
 * </pre>
 */
public final class Main {

    /** Exit status: negotiated as the policy demands (probe), no FAIL (audit), all secured (demo). */
    public static final int OK = 0;
    /** Exit status: not negotiated as the policy demands; the report says why. */
    public static final int NOT_AS_DEMANDED = 1;
    /** Exit status: a usage error. */
    public static final int USAGE = 2;
    /** Exit status: the server could not be reached. */
    public static final int UNREACHABLE = 3;
    /**
     * Exit status of {@code probe --mx}: nothing failed, but at least one MX host was not negotiated
     * with because its policy says not to deliver there (outcome {@code skipped}, e.g. DANE required
     * and no usable TLSA records): checked, not passed.
     */
    public static final int SKIPPED = 4;

    private Main() {
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int status = run(args, out, err, Style.detect());
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * Runs the command line without exiting, writing to the given streams without colour (for
     * tests and embedding).
     *
     * @param args the arguments
     * @param out  standard output
     * @param err  standard error
     * @return the exit status
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, Style.PLAIN);
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, Style style) {
        return run(args, new Commands.Io(out, err, style));
    }

    /** Runs with {@code io}, whose {@code stop} ends {@code serve} (for tests). */
    static int run(String[] args, Commands.Io io) {
        PrintWriter out = io.out();
        PrintWriter err = io.err();
        CommandLine cl = new CommandLine(new Commands.Root(io));
        cl.addSubcommand("probe", new Commands.ProbeCommand(io));
        cl.addSubcommand("audit", new Commands.AuditCommand(io));
        cl.addSubcommand("serve", new Commands.ServeCommand(io));
        cl.addSubcommand("demo", new Commands.DemoCommand(io));
        cl.addSubcommand("diagrams", new Commands.DiagramsCommand(io));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, command, parsed) -> {
            if (ex instanceof UnreachableException) {
                err.println("starttls4j: " + ex.getMessage());
                return UNREACHABLE;
            }
            if (ex instanceof IllegalArgumentException) {
                err.println("starttls4j " + command.getCommandName() + ": " + ex.getMessage());
                err.println("Try 'starttls4j " + command.getCommandName() + " --help'.");
                return USAGE;
            }
            err.println("starttls4j: internal error: " + ex);
            ex.printStackTrace(err);
            return NOT_AS_DEMANDED;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** This build's version, from the jar's resources. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
