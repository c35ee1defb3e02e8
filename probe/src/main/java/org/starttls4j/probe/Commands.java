package org.starttls4j.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.starttls4j.TlsFacts;
import org.starttls4j.TlsPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The picocli commands: thin, each turning its options into a call and an exit status. */
final class Commands {

    private Commands() {
    }

    /**
     * Where a command writes, and what stops a server.
     *
     * @param out   standard output
     * @param err   standard error
     * @param style colour or not
     * @param stop  completes when {@code serve} should stop (never, in a real process: Ctrl-C ends it)
     */
    record Io(PrintWriter out, PrintWriter err, Style style, CompletableFuture<Void> stop) {
        Io(PrintWriter out, PrintWriter err, Style style) {
            this(out, err, style, new CompletableFuture<>());
        }
    }

    /** What every command holds: where it writes. */
    abstract static class IoCommand implements Callable<Integer> {
        final Io io;

        IoCommand(Io io) {
            this.io = io;
        }
    }

    /** A command against the server a URL names, with the client's options. */
    abstract static class ClientCommand extends IoCommand {

        @Parameters(index = "0", paramLabel = "URL",
                description = "What to ${COMMAND-NAME}, e.g. smtp://mx.example.com or submission://mail.example.com")
        String url;

        @Mixin
        ClientOptions options = new ClientOptions();

        /** What the command does with the parsed URL and options. */
        interface Run {
            int on(Target target, ClientSettings settings) throws UnreachableException;
        }

        ClientCommand(Io io) {
            super(io);
        }

        /** Parses the URL, reads the options, then runs; a server out of reach is reported, exit status 3. */
        int against(Run run) {
            Target target = Target.parse(url);
            ClientSettings settings = options.settings(target);
            try {
                return run.on(target, settings);
            } catch (UnreachableException e) {
                return unreachable(io, options.json, target, Prober.policyName(settings, target), e);
            }
        }

        /** Writes a result as one JSON object or for a reader, as {@code --json} asks. */
        void print(Supplier<JsonNode> asJson, Runnable forReader) {
            if (options.json) {
                io.out().println(ProbeOutput.write(asJson.get()));
            } else {
                forReader.run();
            }
            io.out().flush();
        }
    }

    /** Prints the version from the jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"starttls4j " + Main.version()};
        }
    }

    @Command(name = "starttls4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Negotiates TLS on mail connections: SMTP, LMTP, IMAP, ManageSieve and NNTP STARTTLS, POP3 STLS,"
                    + " and implicit TLS.",
                "Without a command, runs the demo: reference servers on loopback, probed through both adapters."},
            footer = {"", "Exit status: 0 as the policy demands, 1 not (the report says why), 2 usage error, 3 unreachable."})
    static final class Root extends IoCommand {
        Root(Io io) {
            super(io);
        }

        @Override
        public Integer call() throws IOException {
            return new DemoCommand(io).call();
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Starts SMTP, IMAP, POP3, LMTP, ManageSieve and NNTP reference servers (STARTTLS, and implicit "
                    + "TLS where the protocol has it) on free loopback ports "
                    + "and probes each through both adapters. The same as no command at all.")
    static final class DemoCommand extends IoCommand {
        DemoCommand(Io io) {
            super(io);
        }

        @Override
        public Integer call() throws IOException {
            return Demo.run(io.out(), io.style());
        }
    }

    @Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Connects as a client, negotiates TLS as the policy says, and reports what happened.",
                "URL: smtp://host[:25] submission://host[:587] smtps://host[:465] imap://host[:143] imaps://host[:993]"
                        + " pop3://host[:110] pop3s://host[:995] lmtp://host[:24] sieve://host[:4190] nntp://host[:119]"
                        + " nntps://host[:563]"},
            footer = {"", "Exit status: 0 negotiated as the policy demands, 1 not, 2 usage error, 3 server unreachable"
                    + " (with --mx: the MX lookup failed), 4 with --mx: nothing failed but an MX host was skipped because its"
                    + " policy forbids delivery there."})
    static final class ProbeCommand extends ClientCommand {

        @Option(names = "--transcript", description = "Show the plaintext dialog and the TLS events, as they happened.")
        boolean transcript;

        @Mixin
        MxOptions mxOptions = new MxOptions();

        ProbeCommand(Io io) {
            super(io);
        }

        @Override
        public Integer call() {
            return against((target, settings) -> {
                if (mxOptions.mx) {
                    return mx(target, settings);
                }
                ProbeResult result = Prober.probe(target, settings);
                print(() -> ProbeOutput.json(result, transcript), () -> ProbeOutput.human(result, transcript, io.style(), io.out()));
                return result.asPolicyDemands() ? Main.OK : Main.NOT_AS_DEMANDED;
            });
        }

        private int mx(Target target, ClientSettings settings) {
            mxOptions.check(target);
            MxProbe.Result result = MxProbe.run(target, settings, mxOptions.dnsAddress(), mxOptions.trustAnchors(),
                    mxOptions.daneLevel(), mxOptions.mtaStsPort);
            print(() -> MxProbe.json(result), () -> MxProbe.human(result, io.style(), io.out()));
            if (result.plan().problem().isPresent()) {
                io.err().println("starttls4j: " + result.plan().problem().get());
                io.err().flush();
                return Main.UNREACHABLE;
            }
            if (!result.asDemanded()) {
                return Main.NOT_AS_DEMANDED;
            }
            // a skipped host was not checked, so a script must not read the run as passed
            return result.skipped() ? Main.SKIPPED : Main.OK;
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Runs the checks an operator wants, each PASS, WARN or FAIL with a one-line reason.",
                "STARTTLS offered; TLS 1.0, 1.1, 1.2, 1.3 each tried alone; certificate trusted, naming the server, days to"
                        + " expiry; login offered before TLS; commands before TLS refused (SMTP MAIL, IMAP AUTHENTICATE,"
                        + " POP3 USER); plaintext pipelined after STARTTLS acted on inside TLS (command injection);"
                        + " a second STARTTLS inside TLS refused; a command line of 1 MiB refused or closed.",
                "With --load-checks, also the resource checks: client-initiated renegotiation refused, bytes answered per"
                        + " byte of junk (amplification), silent connections closed while a fresh one is still greeted.",
                "With --mx, the domain's inbound checks: MX records and DNSSEC, TLS-RPT record, MTA-STS record and policy"
                        + " consistent with the MX hosts, TLSA records matching the certificate each MX host serves."},
            footer = {"", "Exit status: 0 no FAIL, 1 at least one FAIL, 2 usage error, 3 server unreachable."})
    static final class AuditCommand extends ClientCommand {

        @Mixin
        MxOptions mxOptions = new MxOptions();

        @Option(names = "--load-checks", description = "Also run the resource checks: a TLS 1.2 renegotiation, 4,096 junk"
                + " commands in one write, and 20 silent connections held open while a fresh one must be greeted."
                + " They load the server and hold many of its connections: run them only against a server you operate"
                + " or may test (not with --mx).")
        boolean loadChecks;

        @Option(names = "--idle-limit", paramLabel = "SECONDS", description = "With --load-checks: how soon the server"
                + " must close a silent connection (default: 10). Set it to the server's configured wait for a first command.")
        long idleLimitSeconds = 10;

        AuditCommand(Io io) {
            super(io);
        }

        @Override
        public Integer call() {
            return against((target, settings) -> {
                if (loadChecks && mxOptions.mx) {
                    throw new IllegalArgumentException("--load-checks audits one server; leave out --mx");
                }
                if (idleLimitSeconds < 1 || idleLimitSeconds > 3600) {
                    throw new IllegalArgumentException("--idle-limit is a number of seconds from 1 to 3600");
                }
                Audit.Report report = mxOptions.mx ? MxAudit.run(target, settings, mxOptions) : Audit.run(target, settings,
                        loadChecks ? Optional.of(Duration.ofSeconds(idleLimitSeconds)) : Optional.empty());
                print(() -> AuditOutput.json(report), () -> AuditOutput.human(report, io.style(), io.out()));
                return report.overall() == Audit.Verdict.FAIL ? Main.NOT_AS_DEMANDED : Main.OK;
            });
        }
    }

    static int unreachable(Io io, boolean json, Target target, String policy, UnreachableException e) {
        if (json) {
            io.out().println(ProbeOutput.write(ProbeOutput.JSON.createObjectNode()
                    .put("url", target.url())
                    .put("protocol", target.protocol().lowerName())
                    .put("policy", policy)
                    .put("outcome", "unreachable")
                    .put("error", e.getMessage())));
            io.out().flush();
        }
        io.err().println("starttls4j: " + e.getMessage());
        io.err().flush();
        return Main.UNREACHABLE;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Runs a reference server for testing mail clients.",
                "It negotiates, then answers enough of the protocol inside TLS for common clients to complete a session"
                        + " (any credentials, only inside TLS; mail accepted and discarded; an empty mailbox). Logs each command"
                        + " with [plain] or [tls], credentials masked. Listens on loopback unless --bind says otherwise.",
                "Default ports: smtp 3025 (implicit 3465), imap 3143 (3993), pop3 3110 (3995), lmtp 3024, sieve 14190,"
                        + " nntp 3119 (3563)."},
            footer = {"", "Exit status: 0 stopped, 1 cannot listen, 2 usage error."})
    static final class ServeCommand extends IoCommand {

        @Parameters(index = "0", paramLabel = "smtp|imap|pop3|lmtp|sieve|nntp", description = "The protocol.")
        String protocolName;

        @Option(names = "--port", paramLabel = "N", description = "Port (0: any free port).")
        Integer port;

        @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default: 127.0.0.1).")
        String bind = "127.0.0.1";

        @Option(names = "--implicit", description = "Implicit TLS (465/993/995/563 style) instead of STARTTLS.")
        boolean implicit;

        @Option(names = "--policy", paramLabel = "opportunistic|required", description = "STARTTLS policy (default: required).")
        String policy = "required";

        @Option(names = "--cert", paramLabel = "PEM", description = "Certificate chain, leaf first (with --key).")
        Path cert;

        @Option(names = "--key", paramLabel = "PEM", description = "Unencrypted private key (with --cert).")
        Path key;

        @Option(names = "--self-signed", paramLabel = "NAME",
                description = "Make a self-signed certificate for NAME (the default, for localhost).")
        String selfSigned;

        @Option(names = "--adapter", paramLabel = "nio|netty", description = "Which adapter moves the bytes (default: nio).")
        String adapter = "nio";

        @Option(names = "--hostile", paramLabel = "SCENARIO|all",
                description = "Instead, a hostile server of the test kit: one scenario on every connection (e.g. starttls_stripped,"
                        + " response_injection, expired_certificate), or all of them, one per connection in turn; prints each"
                        + " client's verdict. Takes --port, --bind and --implicit (the scenarios of an implicit-TLS port) only.")
        String hostile;

        ServeCommand(Io io) {
            super(io);
        }

        @Override
        public Integer call() throws IOException {
            Protocol protocol = switch (protocolName.toLowerCase(Locale.ROOT)) {
                case "smtp" -> Protocol.SMTP;
                case "imap" -> Protocol.IMAP;
                case "pop3" -> Protocol.POP3;
                case "lmtp" -> Protocol.LMTP;
                case "sieve" -> Protocol.SIEVE;
                case "nntp" -> Protocol.NNTP;
                default -> throw new IllegalArgumentException("the protocol is smtp, imap, pop3, lmtp, sieve or nntp, not " + protocolName);
            };
            if (hostile != null) {
                return HostileServe.run(io, protocol, hostile, port != null ? port : defaultPort(protocol, implicit), bind, implicit,
                        cert != null || key != null || selfSigned != null || !adapter.equals("nio") || !policy.equals("required"));
            }
            if (implicit && (protocol == Protocol.LMTP || protocol == Protocol.SIEVE)) {
                throw new IllegalArgumentException(protocol.lowerName() + " has no implicit-TLS port; leave out --implicit");
            }
            TlsPolicy p = switch (policy.toLowerCase(Locale.ROOT)) {
                case "required" -> TlsPolicy.REQUIRED;
                case "opportunistic" -> TlsPolicy.OPPORTUNISTIC;
                default -> throw new IllegalArgumentException("--policy is opportunistic or required, not " + policy);
            };
            if (implicit && p == TlsPolicy.OPPORTUNISTIC) {
                throw new IllegalArgumentException("--implicit means TLS from the first byte; --policy opportunistic applies to STARTTLS");
            }
            Adapter a = switch (adapter.toLowerCase(Locale.ROOT)) {
                case "nio" -> Adapter.NIO;
                case "netty" -> Adapter.NETTY;
                default -> throw new IllegalArgumentException("--adapter is nio or netty, not " + adapter);
            };
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("--cert and --key go together");
            }
            if (cert != null && selfSigned != null) {
                throw new IllegalArgumentException("either --cert and --key, or --self-signed, not both");
            }
            int listenPort = port != null ? port : defaultPort(protocol, implicit);
            if (listenPort < 0 || listenPort > 65535) {
                throw new IllegalArgumentException("--port is from 0 to 65535");
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--bind: unknown address " + bind);
            }
            ServerIdentity identity = cert != null ? ServerIdentity.fromPem(cert, key)
                    : ServerIdentity.selfSigned(selfSigned != null ? selfSigned : "localhost");
            InetSocketAddress listen = new InetSocketAddress(address, listenPort);
            PrintWriter out = io.out();
            org.starttls4j.testkit.ReferenceServer started;
            try {
                started = ReferenceServers.start(protocol, implicit ? TlsPolicy.IMPLICIT : p, listen, identity, a, line -> {
                    synchronized (out) {
                        out.println(line);
                        out.flush();
                    }
                });
            } catch (IOException e) {
                io.err().println("starttls4j serve: cannot listen on " + Adapter.describe(listen) + ": " + e.getMessage());
                io.err().flush();
                return Main.NOT_AS_DEMANDED;
            }
            try (org.starttls4j.testkit.ReferenceServer server = started) {
                String where = Adapter.describe(server.address());
                String scheme = protocol.lowerName() + (implicit ? "s" : "");
                String sha256 = TlsFacts.sha256(identity.leaf());
                out.println(io.style().bold("starttls4j serve " + protocol.lowerName()) + " — listening on " + where + " ("
                        + (implicit ? "implicit TLS" : protocol.startTlsWord() + ", policy " + p.name().toLowerCase(Locale.ROOT))
                        + ", adapter " + a.lowerName() + ")");
                out.println("  certificate  " + identity.leaf().getSubjectX500Principal().getName());
                out.println("  sha256       " + sha256);
                out.println("  try          starttls4j probe " + scheme + "://" + where + " --pin " + sha256 + " --transcript");
                if (!address.isLoopbackAddress()) {
                    out.println("  " + io.style().warn("warning") + "      listening beyond loopback: anyone who can reach "
                            + where + " can use this test server");
                }
                out.println("  stop with Ctrl-C");
                out.flush();
                awaitStop(io, server::close);
            }
            return Main.OK;
        }

        /** Waits until {@code io.stop()} completes, closing through {@code close} if the JVM is stopped (Ctrl-C) first. */
        static void awaitStop(Io io, Runnable close) {
            Thread hook = new Thread(close, "starttls4j-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                io.stop().join();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running already
                }
            }
        }

        static int defaultPort(Protocol protocol, boolean implicit) {
            return switch (protocol) {
                case SMTP -> implicit ? 3465 : 3025;
                case IMAP -> implicit ? 3993 : 3143;
                case POP3 -> implicit ? 3995 : 3110;
                case LMTP -> 3024;
                case SIEVE -> 14190;
                case NNTP -> implicit ? 3563 : 3119;
            };
        }
    }

    @Command(name = "diagrams", hidden = true, mixinStandardHelpOptions = true,
            description = "Prints the client state diagrams (Mermaid) generated from the core's dialogs: probe/DIAGRAMS.md.")
    static final class DiagramsCommand extends IoCommand {
        DiagramsCommand(Io io) {
            super(io);
        }

        @Override
        public Integer call() {
            io.out().print(Diagrams.markdown());
            io.out().flush();
            return Main.OK;
        }
    }
}
