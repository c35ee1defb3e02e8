package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;

/**
 * GnuTLS, a third TLS stack besides OpenSSL and the JDK (the one of Exim, mutt, msmtp and Emacs on
 * Debian), against an adapter's server and client over 127.0.0.1: {@link GnuTlsClient
 * gnutls-cli} STARTTLS into the server, at TLS 1.3, at TLS 1.2 only, and below the floor; and the
 * adapter's client against {@link GnuTlsServer gnutls-serv} with implicit TLS. Each method is one
 * complete scenario; adapters call them from their own test classes. (LMTP, NNTP and ManageSieve,
 * which {@link MailProtocol} does not list, are run against the test kit's reference servers
 * through both adapters: {@code GnuTlsDialectsInteropTest} in the testkit module.)
 */
public final class GnuTlsScenarios {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** How long the client waits for the greeting gnutls-serv never sends: the handshake is long done by then. */
    private static final Duration GREETING_WAIT = Duration.ofSeconds(2);

    private final StartTlsServers servers;
    private final StartTlsClients clients;
    private final Path workDir;

    /**
     * Scenarios against the adapter's servers and with its clients.
     *
     * @param servers the adapter's server glue
     * @param clients the adapter's client glue
     * @param workDir a scratch directory (e.g. JUnit's {@code @TempDir})
     */
    public GnuTlsScenarios(StartTlsServers servers, StartTlsClients clients, Path workDir) {
        this.servers = servers;
        this.clients = clients;
        this.workDir = workDir;
    }

    /** The lines gnutls-cli sends in plaintext before TLS, for each protocol (see {@link GnuTlsClient}). */
    static List<String> plaintextLines(MailProtocol protocol) {
        return switch (protocol) {
            case SMTP -> List.of("EHLO 127.0.0.1", "STARTTLS");
            case IMAP -> List.of("a CAPABILITY", "a STARTTLS");
            case POP3 -> List.of("STLS");
        };
    }

    /**
     * {@code gnutls-cli --starttls-proto} against a server under {@code REQUIRED}, then the
     * protocol's {@linkplain Dialogs#script dialog} inside TLS: GnuTLS verifies the certificate
     * against the test CA and the name; the server received exactly gnutls-cli's negotiation lines
     * in plaintext and every command of the script inside TLS, the first one answered with the
     * post-TLS capabilities.
     *
     * @param protocol    the protocol
     * @param expectedTls the TLS version both ends must report, e.g. {@code TLSv1.3}
     * @param extra       more {@code gnutls-cli} arguments, e.g. {@link GnuTlsClient#only only("TLS1.2")}
     * @throws IOException when the server cannot start
     */
    public void startTls(MailProtocol protocol, String expectedTls, String... extra) throws IOException {
        secured(protocol, expectedTls, extra);
    }

    /**
     * {@code gnutls-cli -e} at TLS 1.3, which GnuTLS 3.7 carries out as a KeyUpdate asking for
     * the server's own (update_requested) right after the handshake, inside the handed-over
     * session: the server answers it and the session goes on as in {@link #startTls}.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void keyUpdateIsAnswered(MailProtocol protocol) throws IOException {
        GnuTlsClient.Result result = secured(protocol, "TLSv1.3", "-e");
        assertThat(result.rehandshook()).as("GnuTLS's KeyUpdate went through\n%s", result).isTrue();
    }

    /**
     * {@code gnutls-cli -e} at TLS 1.2: a client-initiated renegotiation right after the
     * handshake, inside the handed-over session. The server refuses it (DESIGN rule 4): the
     * session ends before the application reads anything, and GnuTLS reports the failed rehandshake.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void renegotiationIsRefused(MailProtocol protocol) throws IOException {
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.REQUIRED).build();
        Responder responder = new Responder(protocol, config);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            GnuTlsClient.Result result = GnuTlsClient.startTls(protocol.opensslStartTls(), server.address(),
                    dir("gnutls-renegotiation-" + protocol), Dialogs.script(protocol, false).text(), GnuTlsClient.only("TLS1.2"), "-e");

            assertThat(result.run().timedOut()).as("gnutls-cli ended by itself\n%s", result).isFalse();
            assertThat(result.completed()).as("the first handshake\n%s", result).isTrue();
            assertThat(result.rehandshook()).as("no second one\n%s", result).isFalse();
            assertThat(result.run().exitCode()).as("%s", result).isNotZero();
            assertThat(result.run().stderr()).as("%s", result).contains("ReHandshake has failed");
            assertThat(result.afterTls()).as("nothing answered\n%s", result).isEmpty();
            Responder.ServedSession served = responder.nextSession(WAIT);
            assertThat(served.received()).as("the application read nothing: %s", served).isEmpty();
            assertThat(served.endedBy()).as("%s", served).contains("renegotiation is refused");
        }
    }

    /**
     * Plain {@code gnutls-cli} (implicit TLS, 465/993/995 style) against a server under
     * {@code IMPLICIT}: the greeting and every answer arrive inside TLS.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void implicit(MailProtocol protocol) throws IOException {
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.IMPLICIT).build();
        Responder responder = new Responder(protocol, config);
        Dialogs.Script script = Dialogs.script(protocol, true);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            GnuTlsClient.Result result = GnuTlsClient.implicit(server.address(), dir("gnutls-implicit-" + protocol), script.text());

            assertThat(result.succeeded()).as("gnutls-cli exited 0 by itself\n%s", result).isTrue();
            assertThat(result.protocol()).as("TLS version\n%s", result).contains("TLSv1.3");
            assertThat(result.verified()).as("certificate trusted, name checked\n%s", result).isTrue();
            Dialogs.assertInOrder(result.afterTls(), script.replies(), result);
            Responder.ServedSession served = responder.nextSession(WAIT);
            Dialogs.assertServedInsideTls(served, protocol, "TLSv1.3", script.firstCommand(), true);
            assertThat(served.received()).as("every command of the script, read by the application inside TLS")
                    .containsExactlyElementsOf(commandsOf(protocol, script));
        }
    }

    private GnuTlsClient.Result secured(MailProtocol protocol, String expectedTls, String... extra) throws IOException {
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.REQUIRED).build();
        Responder responder = new Responder(protocol, config);
        Dialogs.Script script = Dialogs.script(protocol, false);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            GnuTlsClient.Result result = GnuTlsClient.startTls(protocol.opensslStartTls(), server.address(),
                    dir("gnutls-starttls-" + protocol + "-" + expectedTls), script.text(), extra);

            assertThat(result.succeeded()).as("gnutls-cli exited 0 by itself\n%s", result).isTrue();
            assertThat(result.protocol()).as("TLS version\n%s", result).contains(expectedTls);
            assertThat(result.verified()).as("certificate trusted, name checked\n%s", result).isTrue();
            Dialogs.assertInOrder(result.afterTls(), script.replies(), result);
            assertThat(WireText.capabilities(protocol, result.afterTls())).as("capabilities inside TLS\n%s", result)
                    .containsExactlyElementsOf(WireText.expected(config.capabilitiesAfterTls()));
            Responder.ServedSession served = responder.nextSession(WAIT);
            Dialogs.assertServedInsideTls(served, protocol, expectedTls, script.firstCommand(), false);
            assertThat(receivedInPlaintext(served.facts().negotiationEvents())).as("what gnutls-cli said before TLS")
                    .containsExactlyElementsOf(plaintextLines(protocol));
            assertThat(served.received()).as("every command of the script, read by the application inside TLS")
                    .containsExactlyElementsOf(commandsOf(protocol, script));
            return result;
        }
    }

    /**
     * {@code gnutls-cli} whose input ends at once, at TLS 1.3: its Finished, the script's first
     * command and its close_notify arrive together (RFC 8446 lets a client send data right after
     * its Finished and close only its own side). TLS was established: the server hands the session
     * over with that command, which the application reads inside TLS, and the end of the stream
     * behind it; the negotiation does not fail as a handshake the client closed.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void inputEndedRightAfterTheHandshake(MailProtocol protocol) throws IOException {
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.REQUIRED).build();
        Responder responder = new Responder(protocol, config);
        Dialogs.Script script = Dialogs.script(protocol, false);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            GnuTlsClient.Result result = GnuTlsClient.startTlsWithInputEnded(protocol.opensslStartTls(), server.address(),
                    dir("gnutls-ended-" + protocol), script.firstCommand() + "\r\n");

            assertThat(result.completed()).as("gnutls-cli completed its handshake\n%s", result).isTrue();
            assertThat(result.protocol()).as("TLS version\n%s", result).contains("TLSv1.3");
            Responder.ServedSession served = responder.nextSession(WAIT);
            assertThat(served.received()).as("the command that came with the Finished, read inside TLS")
                    .startsWith(script.firstCommand());
            assertThat(responder.pendingFailures()).as("no negotiation failed").isEmpty();
        }
    }

    /**
     * {@code gnutls-cli} limited to an old TLS version against a server with the default floor
     * (TLS 1.2): the handshake fails on both ends, the server's negotiation with
     * {@code TLS_VERSION_TOO_OLD}, and no session reaches the application.
     *
     * @param protocol      the protocol
     * @param gnutlsVersion {@code TLS1.1} or {@code TLS1.0}
     * @throws IOException when the server cannot start
     */
    public void belowTheFloor(MailProtocol protocol, String gnutlsVersion) throws IOException {
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.REQUIRED).build();
        Responder responder = new Responder(protocol, config);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            GnuTlsClient.Result result = GnuTlsClient.startTls(protocol.opensslStartTls(), server.address(),
                    dir("gnutls-floor-" + protocol + "-" + gnutlsVersion), Dialogs.script(protocol, false).text(),
                    GnuTlsClient.only(gnutlsVersion));

            assertThat(result.run().timedOut()).as("gnutls-cli ended by itself\n%s", result).isFalse();
            assertThat(result.run().exitCode()).as("gnutls-cli failed\n%s", result).isNotZero();
            assertThat(result.completed()).as("no handshake\n%s", result).isFalse();
            assertThat(result.run().stdout()).as("GnuTLS was told why\n%s", result)
                    .contains("Received alert [70]: Error in protocol version");
            Responder.FailedNegotiation failed = responder.nextFailure(WAIT);
            assertThat(failed.failure().reason()).as("%s", failed).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
            assertThat(receivedInPlaintext(failed.events())).as("the negotiation got as far as STARTTLS")
                    .containsExactlyElementsOf(plaintextLines(protocol));
            assertThat(responder.opened()).as("nothing was handed to the application").isZero();
        }
    }

    /**
     * The adapter's client under {@code IMPLICIT} against {@code gnutls-serv}: the handshake
     * completes at {@code expectedTls} with the certificate verified by name, as both ends report;
     * then the client waits for the greeting, which gnutls-serv never sends (see
     * {@link GnuTlsServer}), and the negotiation ends with {@code TIMEOUT} after
     * {@code TlsEstablished}: nothing else (GnuTLS's optional CertificateRequest, its TLS 1.3
     * session tickets) upset the client. gnutls-serv runs with {@code --sni-hostname-fatal}, so a
     * wrong server name in SNI would have failed the handshake, and its log shows none was missing.
     *
     * @param expectedTls the version, e.g. {@code TLSv1.3}
     * @param extra       more {@code gnutls-serv} arguments, e.g. {@link GnuTlsClient#only only("TLS1.2")}
     * @throws IOException when the connection fails
     */
    public void clientHandshakesWithGnuTlsServ(String expectedTls, String... extra) throws IOException {
        // --sni-hostname-fatal: a client naming another host is refused (unrecognized_name); one naming none is only
        // warned about in the log, checked below
        List<String> arguments = new ArrayList<>(List.of("--sni-hostname=" + InteropPki.SERVER_NAME, "--sni-hostname-fatal"));
        arguments.addAll(List.of(extra));
        try (GnuTlsServer gnutls = GnuTlsServer.start(InteropPki.serverIdentity(), dir("gnutls-serv-" + expectedTls + "-" + extra.length),
                arguments.toArray(String[]::new));
             StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, gnutls.address(), implicitClient())) {
            ClientReport report = c.report();
            assertThat(report.tls()).as("TLS established\n%s\n%s", report, gnutls.log()).isPresent();
            assertThat(report.tls().get().protocol()).as("%s", report).isEqualTo(expectedTls);
            assertThat(report.failure()).as("%s", report).isPresent();
            assertThat(report.failure().get().reason()).as("the greeting never came\n%s\n%s", report, gnutls.log())
                    .isEqualTo(Failure.Reason.TIMEOUT);
            assertThat(report.greeting()).isEmpty();
            assertThat(report.transcript()).as("nothing crossed in plaintext").noneMatch(l -> !l.encrypted());
            gnutls.awaitHandshake(expectedTls);
            assertThat(gnutls.log()).as("the client named the server (SNI)").doesNotContain("did not include SNI");
        }
    }

    /**
     * {@code gnutls-cli -r} against a server under {@code REQUIRED}: a first STARTTLS session
     * that ends right after the handshake, then a second that resumes it (a TLS 1.3 PSK from the
     * server's ticket) and runs the protocol's dialog inside TLS; the server hands both over inside TLS.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void resumedSessionIsSecured(MailProtocol protocol) throws IOException {
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.REQUIRED).build();
        Responder responder = new Responder(protocol, config);
        Dialogs.Script script = Dialogs.script(protocol, false);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            GnuTlsClient.Result result = GnuTlsClient.startTls(protocol.opensslStartTls(), server.address(),
                    dir("gnutls-resume-" + protocol), script.text(), "-r");

            assertThat(result.succeeded()).as("gnutls-cli exited 0 by itself\n%s", result).isTrue();
            assertThat(result.run().stdout()).as("GnuTLS resumed\n%s", result).contains("*** This is a resumed session");
            assertThat(result.verified()).as("the first session's certificate verified\n%s", result).isTrue();
            Dialogs.assertInOrder(result.afterTls(), script.replies(), result);
            List<Responder.ServedSession> both = List.of(responder.nextSession(WAIT), responder.nextSession(WAIT));
            assertThat(both).as("both handed over inside TLS 1.3: %s", both)
                    .allMatch(served -> served.facts().tls().map(t -> t.protocol().equals("TLSv1.3")).orElse(false));
            assertThat(both).as("one ended after the handshake, the resumed one ran the dialog: %s", both)
                    .anyMatch(served -> served.received().isEmpty())
                    .anyMatch(served -> served.received().equals(commandsOf(protocol, script)));
        }
    }

    /**
     * The adapter's client under {@code IMPLICIT} against {@code gnutls-serv} that accepts only
     * the group secp384r1, for which the JDK's client sends no key share: gnutls-serv answers with
     * a HelloRetryRequest and the handshake completes on the second ClientHello.
     *
     * @throws IOException when the connection fails
     */
    public void clientHandshakesWithGnuTlsServAfterAHelloRetryRequest() throws IOException {
        clientHandshakesWithGnuTlsServ("TLSv1.3", "--priority=NORMAL:-GROUP-ALL:+GROUP-SECP384R1");
    }

    /**
     * The adapter's client under {@code IMPLICIT} against {@code gnutls-serv} offering only TLS 1.1:
     * {@code TLS_VERSION_TOO_OLD}, no TLS facts.
     *
     * @throws IOException when the connection fails
     */
    public void clientRefusesGnuTlsServBelowTheFloor() throws IOException {
        clientFailsAgainst(InteropPki.serverIdentity(), "gnutls-serv-tls11", Failure.Reason.TLS_VERSION_TOO_OLD,
                GnuTlsClient.only("TLS1.1"));
    }

    /**
     * The adapter's client under {@code IMPLICIT} against {@code gnutls-serv} presenting a
     * certificate for the right name from another CA (the test PKI's RSA CA, which the client
     * does not trust): {@code CERTIFICATE_REJECTED}.
     *
     * @throws IOException when the connection fails
     */
    public void clientRejectsGnuTlsServFromAnotherCa() throws IOException {
        Identity otherCa = TestPki.issue(TestPki.LeafSpec.valid(TestPki.KeyType.RSA_2048, InteropPki.SERVER_NAME));
        clientFailsAgainst(otherCa, "gnutls-serv-other-ca", Failure.Reason.CERTIFICATE_REJECTED);
    }

    /** The adapter's IMPLICIT client against gnutls-serv presenting {@code identity}: {@code reason}, no TLS session. */
    private void clientFailsAgainst(Identity identity, String name, Failure.Reason reason, String... extra) throws IOException {
        try (GnuTlsServer gnutls = GnuTlsServer.start(identity, dir(name), extra);
             StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, gnutls.address(), implicitClient())) {
            ClientReport report = c.report();
            assertThat(report.failure()).as("%s", report).isPresent();
            assertThat(report.failure().get().reason()).as("%s\n%s", report, gnutls.log()).isEqualTo(reason);
            assertThat(report.tls()).as("no TLS session").isEmpty();
        }
    }

    private static ClientConfig implicitClient() {
        return InteropPki.client(TlsPolicy.IMPLICIT).timeouts(Timeouts.of(GREETING_WAIT)).build();
    }

    private static List<String> receivedInPlaintext(List<Event> events) {
        return events.stream().filter(Event.Line.class::isInstance).map(Event.Line.class::cast)
                .filter(l -> l.direction() == Event.Direction.RECEIVED && !l.encrypted()).map(Event.Line::text).toList();
    }

    /** The script's command lines (for SMTP, without the message between DATA and "."). */
    private static List<String> commandsOf(MailProtocol protocol, Dialogs.Script script) {
        if (protocol != MailProtocol.SMTP) {
            return script.lines();
        }
        List<String> lines = script.lines();
        List<String> commands = new ArrayList<>(lines.subList(0, lines.indexOf("DATA") + 1));
        commands.add(lines.get(lines.size() - 1));
        return commands;
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name.toLowerCase(Locale.ROOT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
