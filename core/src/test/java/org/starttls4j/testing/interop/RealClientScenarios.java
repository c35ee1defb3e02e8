package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;

/**
 * Real clients — {@code openssl s_client} and {@code curl} — against a starttls4j server started
 * by an adapter ({@link StartTlsServers}), over 127.0.0.1. Each method is one complete scenario
 * that starts its own server, runs the client, and asserts what crossed the wire on both ends: the
 * TLS version, that the certificate verified, that the first command after STARTTLS was answered
 * inside TLS, and that the capabilities announced inside TLS are the configured post-TLS ones
 * (with AUTH, never STARTTLS). Adapters call these from their own test classes.
 */
public final class RealClientScenarios {

    /** The TLS version every client here negotiates with a JDK 17+ server. */
    public static final String TLS_1_3 = "TLSv1.3";

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final StartTlsServers servers;
    private final Path workDir;

    /**
     * Scenarios against servers from {@code servers}.
     *
     * @param servers the adapter's server glue
     * @param workDir a scratch directory (e.g. JUnit's {@code @TempDir})
     */
    public RealClientScenarios(StartTlsServers servers, Path workDir) {
        this.servers = servers;
        this.workDir = workDir;
    }

    /**
     * {@code openssl s_client -starttls smtp|imap|pop3} against a server under {@code REQUIRED},
     * then the protocol's {@linkplain Dialogs#script dialog} inside TLS.
     *
     * @param protocol the protocol
     * @param extra    more {@code s_client} arguments, e.g. {@code -tls1_2}
     * @param expectedTls the TLS version that must be negotiated
     * @throws IOException when the server cannot start
     */
    public void opensslStartTls(MailProtocol protocol, String expectedTls, String... extra) throws IOException {
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.REQUIRED).build();
        Responder responder = new Responder(protocol, config);
        Dialogs.Script script = Dialogs.script(protocol, false);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            OpenSslClient.Result result = OpenSslClient.startTls(protocol, server.address(),
                    dir("openssl-starttls-" + protocol), script.text(), extra);
            assertOpenSsl(result, expectedTls);
            Dialogs.assertInOrder(result.afterTls(), script.replies(), result);
            assertThat(WireText.capabilities(protocol, result.afterTls())).as("capabilities inside TLS\n%s", result)
                    .containsExactlyElementsOf(WireText.expected(config.capabilitiesAfterTls()));
            Responder.ServedSession served = responder.nextSession(WAIT);
            Dialogs.assertServedInsideTls(served, protocol, expectedTls, script.firstCommand(), false);
            assertApplicationSaw(protocol, served);
        }
    }

    /**
     * Plain {@code openssl s_client} (implicit TLS, 465/993/995 style) against a server under
     * {@code IMPLICIT}: the greeting arrives inside TLS, with post-TLS capabilities for IMAP.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void opensslImplicit(MailProtocol protocol) throws IOException {
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.IMPLICIT).build();
        Responder responder = new Responder(protocol, config);
        Dialogs.Script script = Dialogs.script(protocol, true);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            OpenSslClient.Result result = OpenSslClient.implicit(server.address(), dir("openssl-implicit-" + protocol),
                    script.text());
            assertOpenSsl(result, TLS_1_3);
            Dialogs.assertInOrder(result.afterTls(), script.replies(), result);
            List<String> greetingAndAfter = result.afterTls();
            if (protocol == MailProtocol.IMAP) {
                // The greeting's [CAPABILITY] code is the first announcement, already inside TLS.
                assertThat(WireText.capabilities(protocol, greetingAndAfter.subList(0, 1))).as("greeting inside TLS")
                        .containsExactlyElementsOf(WireText.expected(config.capabilitiesAfterTls()));
            }
            assertThat(WireText.capabilities(protocol, greetingAndAfter.subList(1, greetingAndAfter.size())))
                    .as("capabilities inside TLS\n%s", result)
                    .containsExactlyElementsOf(WireText.expected(config.capabilitiesAfterTls()));
            Responder.ServedSession served = responder.nextSession(WAIT);
            Dialogs.assertServedInsideTls(served, protocol, TLS_1_3, script.firstCommand(), true);
            assertApplicationSaw(protocol, served);
        }
    }

    /**
     * {@code curl --ssl-reqd} (smtp://, imap://, pop3://) against a server under {@code REQUIRED}:
     * curl sends a message (SMTP), lists mailboxes (IMAP) or messages (POP3) after logging in.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void curlStartTlsRequired(MailProtocol protocol) throws IOException {
        curl(protocol, TlsPolicy.REQUIRED, CurlClient.Tls.REQUIRED);
    }

    /**
     * {@code curl --ssl} (use TLS if offered) against a server under {@code OPPORTUNISTIC}: the
     * server offers STARTTLS, curl takes it, and the session is secured.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void curlStartTlsOpportunistic(MailProtocol protocol) throws IOException {
        curl(protocol, TlsPolicy.OPPORTUNISTIC, CurlClient.Tls.TRY);
    }

    /**
     * curl with smtps://, imaps://, pop3:// against a server under {@code IMPLICIT}.
     *
     * @param protocol the protocol
     * @throws IOException when the server cannot start
     */
    public void curlImplicit(MailProtocol protocol) throws IOException {
        curl(protocol, TlsPolicy.IMPLICIT, CurlClient.Tls.IMPLICIT);
    }

    /**
     * curl without TLS against an SMTP server under {@code OPPORTUNISTIC}: the server announces
     * STARTTLS, curl ignores it and sends MAIL; the negotiation hands the connection over in
     * plaintext with MAIL unread, says why ({@code STARTTLS_NOT_USED}), and the application
     * accepts the message.
     *
     * @throws IOException when the server cannot start
     */
    public void curlPlaintextSmtpAgainstOpportunistic() throws IOException {
        MailProtocol protocol = MailProtocol.SMTP;
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.OPPORTUNISTIC).build();
        Responder responder = new Responder(protocol, config);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            CurlClient.Result result = runCurl(protocol, CurlClient.Tls.NONE, server);
            assertThat(result.succeeded()).as("curl succeeded\n%s", result).isTrue();
            assertThat(result.protocol()).as("no TLS").isEmpty();
            assertThat(result.receivedAfterTls()).as("STARTTLS was offered\n%s", result)
                    .anyMatch(l -> l.toUpperCase(Locale.ROOT).endsWith("STARTTLS"));
            Responder.ServedSession served = responder.nextSession(WAIT);
            assertThat(served.facts().encrypted()).as("handed over in plaintext").isFalse();
            assertThat(served.firstReceived()).as("the command the negotiation did not own").startsWith("MAIL FROM:");
            assertThat(served.messages()).singleElement().asString().contains(Dialogs.MESSAGE_BODY);
            assertThat(served.facts().negotiationEvents()).as("the fallback is reported")
                    .anyMatch(e -> e instanceof Event.FellBackToPlaintext f
                            && f.cause().reason() == Failure.Reason.STARTTLS_NOT_USED);
        }
    }

    /**
     * curl without TLS against an SMTP server under {@code REQUIRED}: MAIL is refused with
     * {@code 530 5.7.0} by the negotiation itself, no session is ever handed to the application,
     * and curl fails.
     *
     * @throws IOException when the server cannot start
     */
    public void curlPlaintextSmtpAgainstRequired() throws IOException {
        MailProtocol protocol = MailProtocol.SMTP;
        ServerConfig config = InteropPki.server(protocol, TlsPolicy.REQUIRED).build();
        Responder responder = new Responder(protocol, config);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            CurlClient.Result result = runCurl(protocol, CurlClient.Tls.NONE, server);
            assertThat(result.succeeded()).as("curl must fail\n%s", result).isFalse();
            assertThat(result.receivedAfterTls()).as("MAIL refused in plaintext\n%s", result)
                    .anyMatch(l -> l.startsWith("530 5.7.0"));
            Responder.FailedNegotiation failed = responder.nextFailure(WAIT);
            assertThat(failed.failure().reason()).as("%s", failed)
                    .isIn(Failure.Reason.SERVICE_CLOSING, Failure.Reason.PEER_CLOSED);
            assertThat(responder.opened()).as("nothing was handed to the application").isZero();
        }
    }

    private void curl(MailProtocol protocol, TlsPolicy policy, CurlClient.Tls tls) throws IOException {
        ServerConfig config = InteropPki.server(protocol, policy).build();
        Responder responder = new Responder(protocol, config);
        boolean implicit = policy == TlsPolicy.IMPLICIT;
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            CurlClient.Result result = runCurl(protocol, tls, server);
            assertThat(result.succeeded()).as("curl succeeded\n%s", result).isTrue();
            assertThat(result.protocol()).as("TLS version\n%s", result).contains(TLS_1_3);
            if (implicit) {
                assertThat(result.beforeTls()).as("nothing before TLS\n%s", result).isEmpty();
            } else {
                assertThat(result.sentBeforeTls()).as("curl asked for TLS in plaintext\n%s", result)
                        .anyMatch(l -> l.toUpperCase(Locale.ROOT).endsWith(Dialogs.startTlsVerb(protocol)));
                assertThat(result.sentBeforeTls()).as("no credentials or mail in plaintext\n%s", result)
                        .noneMatch(l -> l.toUpperCase(Locale.ROOT).matches("(\\S+ )?(AUTH|AUTHENTICATE|LOGIN|USER|PASS|MAIL|RCPT).*"));
            }
            List<String> received = result.receivedAfterTls();
            assertThat(WireText.capabilities(protocol, received)).as("capabilities inside TLS\n%s", result)
                    .containsExactlyElementsOf(WireText.expected(config.capabilitiesAfterTls()));
            Responder.ServedSession served = responder.nextSession(WAIT);
            String first = result.sentAfterTls().isEmpty() ? "(none)" : result.sentAfterTls().get(0);
            assertThat(first).as("curl's first command inside TLS\n%s", result).isEqualTo(served.firstReceived());
            Dialogs.assertServedInsideTls(served, protocol, TLS_1_3, first, implicit);
            switch (protocol) {
                case SMTP -> assertThat(served.messages()).singleElement().asString().contains(Dialogs.MESSAGE_BODY);
                case IMAP -> assertThat(result.run().stdout()).as("curl's LIST output").contains("INBOX");
                case POP3 -> assertThat(result.run().stdout()).as("curl's LIST output")
                        .contains("1 " + Responder.MAILBOX_MESSAGE.length());
            }
        }
    }

    private CurlClient.Result runCurl(MailProtocol protocol, CurlClient.Tls tls, StartTlsServers.Running server) {
        Path dir = dir("curl-" + tls + "-" + protocol);
        return switch (protocol) {
            case SMTP -> CurlClient.run(protocol, tls, server.address(), "/" + Dialogs.CLIENT_NAME, dir,
                    "Subject: starttls4j interop\r\n\r\n" + Dialogs.MESSAGE_BODY + "\r\n",
                    "--mail-from", "sender@example.test", "--mail-rcpt", "alice@example.test", "-T", "-");
            case IMAP, POP3 -> CurlClient.run(protocol, tls, server.address(), "/", dir, "",
                    "-u", DovecotServer.USER + ":" + DovecotServer.PASSWORD);
        };
    }

    private static void assertOpenSsl(OpenSslClient.Result result, String expectedTls) {
        assertThat(result.run().timedOut()).as("s_client finished\n%s", result).isFalse();
        assertThat(result.run().exitCode()).as("s_client exit code\n%s", result).isZero();
        assertThat(result.protocol()).as("TLS version\n%s", result).contains(expectedTls);
        assertThat(result.verified()).as("certificate verified\n%s", result).isTrue();
    }

    private static void assertApplicationSaw(MailProtocol protocol, Responder.ServedSession served) {
        switch (protocol) {
            case SMTP -> {
                assertThat(served.messages()).singleElement().asString().contains(Dialogs.MESSAGE_BODY);
                assertThat(served.endedBy()).isEqualTo("QUIT");
            }
            case IMAP -> assertThat(served.endedBy()).isEqualTo("LOGOUT");
            case POP3 -> assertThat(served.endedBy()).isEqualTo("QUIT");
        }
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name.toLowerCase(Locale.ROOT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
