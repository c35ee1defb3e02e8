package org.starttls4j.probe;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ThrowawayPki;
import org.starttls4j.testkit.hostile.Finding;
import org.starttls4j.testkit.hostile.HostileRun;
import org.starttls4j.testkit.hostile.HostileScenario;
import org.starttls4j.testkit.hostile.HostileServer;

/**
 * {@code starttls4j serve smtp|imap|pop3 --hostile SCENARIO|all}: the test kit's hostile server
 * for clients that are not written in Java (Thunderbird, curl, a Python script), printing each
 * client's verdict as its connection ends.
 */
final class HostileServe {

    private HostileServe() {
    }

    /**
     * Runs until {@link Commands.Io#stop()} completes.
     *
     * @param io         where to print, and what stops it
     * @param protocol   the protocol
     * @param scenario   a scenario's name, or {@code all}
     * @param port       the port (0: any free port)
     * @param bind       the address to listen on
     * @param implicit   whether to play the scenarios of an implicit-TLS port (RFC 8314)
     * @param otherOptions whether options that do not apply were given
     * @return the exit status
     * @throws IOException never in practice: listening failures are an exit status
     */
    static int run(Commands.Io io, Protocol protocol, String scenario, int port, String bind, boolean implicit, boolean otherOptions)
            throws IOException {
        if (otherOptions) {
            throw new IllegalArgumentException("--hostile plays STARTTLS scenarios with the test kit's own certificates: it takes --port,"
                    + " --bind and --implicit only");
        }
        if (protocol != Protocol.SMTP && protocol != Protocol.IMAP && protocol != Protocol.POP3) {
            throw new IllegalArgumentException("--hostile speaks smtp, imap and pop3, not " + protocol.lowerName());
        }
        MailProtocol kit = protocol.kit();
        List<HostileScenario> scenarios = scenario.equalsIgnoreCase("all")
                ? (implicit ? HostileScenario.forImplicitTls(kit) : HostileScenario.forProtocol(kit)) : List.of(parse(kit, scenario, implicit));
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind: unknown address " + bind);
        }
        ThrowawayPki pki = ThrowawayPki.forServer("localhost");
        Path ca = pki.writeCaPem(Files.createTempFile("starttls4j-hostile-ca-", ".pem"));
        ca.toFile().deleteOnExit();
        PrintWriter out = io.out();
        HostileServer started;
        try {
            HostileServer.Builder builder = HostileServer.builder(kit, scenarios.toArray(new HostileScenario[0])).pki(pki)
                    .bind(new InetSocketAddress(address, port)).onConnectionJudged(run -> print(out, io.style(), run));
            started = (implicit ? builder.implicitTls() : builder).start();
        } catch (IOException e) {
            io.err().println("starttls4j serve: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
            io.err().flush();
            return Main.NOT_AS_DEMANDED;
        }
        try (HostileServer server = started) {
            out.println(io.style().bold("starttls4j serve " + protocol.lowerName() + " --hostile" + (implicit ? " --implicit" : ""))
                    + " — listening on "
                    + server.host() + ":" + server.port() + " (" + (scenarios.size() == 1
                    ? scenarios.get(0).name().toLowerCase(Locale.ROOT) + ": " + scenarios.get(0).description()
                    : scenarios.size() + " scenarios, one per connection in turn") + ")");
            out.println("  trust        " + ca + "  (a throw-away CA; the certificates name localhost and 127.0.0.1)");
            out.println("  judges       a client that requires TLS: anything beyond the negotiation in plaintext is a finding");
            out.println("  stop with Ctrl-C");
            out.flush();
            Commands.ServeCommand.awaitStop(io, server::close);
        }
        return Main.OK;
    }

    private static HostileScenario parse(MailProtocol protocol, String name, boolean implicit) {
        HostileScenario scenario;
        try {
            scenario = HostileScenario.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--hostile is all or one of " + HostileScenario.forProtocol(protocol).stream()
                    .map(s -> s.name().toLowerCase(Locale.ROOT)).toList() + ", not " + name);
        }
        if (!scenario.appliesTo(protocol)) {
            throw new IllegalArgumentException("--hostile " + name + " does not apply to " + protocol.lowerName());
        }
        if (implicit && !scenario.appliesToImplicitTls()) {
            throw new IllegalArgumentException("--hostile " + name + " has nothing to attack on an implicit-TLS port; with --implicit: "
                    + HostileScenario.forImplicitTls(protocol).stream().map(s -> s.name().toLowerCase(Locale.ROOT)).toList());
        }
        return scenario;
    }

    private static void print(PrintWriter out, Style style, HostileRun run) {
        synchronized (out) {
            String verdict = run.isSafe() ? "safe" : style.warn("UNSAFE") + " " + run.findingKinds();
            out.println(String.format("%-24s %s", run.scenario().name().toLowerCase(Locale.ROOT), verdict));
            for (Finding f : run.findings()) {
                out.println("    " + f.kind() + ": " + f.evidence());
            }
            out.flush();
        }
    }
}
