package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.TestPki;

/**
 * Postfix's smtp client, the one that carries most of the Internet's mail, delivering to a
 * starttls4j SMTP server started by an adapter ({@link StartTlsServers}): a private
 * {@link PostfixServer} is handed a message for a domain it routes to {@code [127.0.0.1]:port}
 * with a TLS policy of {@code secure} or {@code verify} (the test CA as {@code smtp_tls_CAfile},
 * {@code match=}{@link InteropPki#SERVER_NAME}). The server negotiates STARTTLS; the
 * {@link Responder} behind it, after the hand-over, speaks the rest of SMTP inside TLS and
 * receives the message. Postfix's log must say the connection was verified and the message sent;
 * and against a server that offers no STARTTLS, Postfix must defer and no body may arrive.
 */
public final class PostfixRelayScenarios {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BODY = "Hello starttls4j, relayed by Postfix.";

    private final StartTlsServers servers;
    private final PostfixServer postfix;

    /**
     * Scenarios for servers from {@code servers}, fed by {@code postfix} (started once per test class).
     *
     * @param servers the adapter's server glue
     * @param postfix the running Postfix
     */
    public PostfixRelayScenarios(StartTlsServers servers, PostfixServer postfix) {
        this.servers = servers;
        this.postfix = postfix;
    }

    /**
     * Postfix at {@code level} ({@code secure} or {@code verify}) delivers to our server under
     * {@code REQUIRED}: the session is handed over inside TLS 1.3 with Postfix's second EHLO as
     * its first command, the message body arrives inside TLS, Postfix ends with QUIT, and its log
     * says "Verified TLS connection established" and {@code status=sent} with our server's reply.
     *
     * @param level Postfix's TLS level for this destination
     * @throws IOException when the server cannot start
     */
    public void deliversInsideTls(String level) throws IOException {
        deliversInsideTls(level + " match=" + InteropPki.SERVER_NAME, "TLSv1.3");
    }

    /**
     * Postfix at {@code secure} limited to TLS 1.2 for this destination (the policy's
     * {@code protocols=<=TLSv1.2}): the same delivery, and both ends report TLS 1.2.
     *
     * @throws IOException when the server cannot start
     */
    public void deliversInsideTls12() throws IOException {
        deliversInsideTls("secure match=" + InteropPki.SERVER_NAME + " protocols=<=TLSv1.2", "TLSv1.2");
    }

    private void deliversInsideTls(String policy, String version) throws IOException {
        String level = policy.substring(0, policy.indexOf(' '));
        ServerConfig config = InteropPki.server(MailProtocol.SMTP, TlsPolicy.REQUIRED).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (StartTlsServers.Running server = servers.start(MailProtocol.SMTP, config, responder)) {
            String recipient = "alice@" + postfix.relayTo(server.address(), policy);
            String peer = Pattern.quote("127.0.0.1[127.0.0.1]:" + server.address().getPort());
            String queueId = postfix.submit("sender@example.test", recipient,
                    "Subject: Postfix to starttls4j (" + level + ")\r\n\r\n" + BODY + "\r\n");

            Responder.ServedSession served = responder.nextSession(WAIT);
            Dialogs.assertServedInsideTls(served, MailProtocol.SMTP, version, "EHLO " + PostfixServer.HOSTNAME, false);
            Dialogs.assertInOrder(served.received(), List.of("EHLO " + PostfixServer.HOSTNAME, "MAIL FROM:<sender@example.test>",
                    "RCPT TO:<" + recipient + ">", "DATA", "QUIT"), served);
            assertThat(served.messages()).as("the message arrived inside TLS").singleElement().asString()
                    .contains(BODY).contains("Subject: Postfix to starttls4j (" + level + ")");
            assertThat(served.endedBy()).isEqualTo("QUIT");
            assertThat(served.facts().transcript()).as("nothing but EHLO and STARTTLS from Postfix in plaintext")
                    .filteredOn(l -> !l.encrypted() && l.direction() == Event.Direction.RECEIVED)
                    .extracting(Event.Line::text)
                    .containsExactly("EHLO " + PostfixServer.HOSTNAME, "STARTTLS");

            postfix.awaitLog(Pattern.compile("postfix/smtp\\[\\d+\\]: Verified TLS connection established to " + peer
                    + ": " + Pattern.quote(version) + " with cipher "), 1, WAIT);
            postfix.awaitLog(Pattern.compile(Pattern.quote(queueId) + ": to=<" + Pattern.quote(recipient) + ">, relay="
                    + peer + ", .*status=sent \\(250 2\\.0\\.0 Ok: queued as "), 1, WAIT);
        }
    }

    /**
     * Postfix at {@code secure} against our server under {@code PLAINTEXT_ONLY} (no STARTTLS
     * offered): Postfix defers the message and says why in its log ("TLS is required, but was not
     * offered"), and no MAIL, RCPT, DATA or body ever reaches our server.
     *
     * @throws IOException when the server cannot start
     */
    public void secureDefersWhenStartTlsIsNotOffered() throws IOException {
        ServerConfig config = InteropPki.server(MailProtocol.SMTP, TlsPolicy.PLAINTEXT_ONLY).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (StartTlsServers.Running server = servers.start(MailProtocol.SMTP, config, responder)) {
            submitAndAwaitDeferral(server, "must never travel in plaintext",
                    "TLS is required, but was not offered by host 127.0.0.1[127.0.0.1]");

            // Postfix sees no STARTTLS after EHLO and says QUIT, which the negotiation answers
            // itself: nothing is handed to the application, nothing but EHLO and QUIT was read.
            Responder.FailedNegotiation failed = responder.nextFailure(WAIT);
            assertThat(failed.failure().reason()).as("%s", failed).isEqualTo(Failure.Reason.SERVICE_CLOSING);
            assertThat(failed.events()).filteredOn(Event.Line.class::isInstance).map(Event.Line.class::cast)
                    .filteredOn(l -> l.direction() == Event.Direction.RECEIVED).extracting(Event.Line::text)
                    .as("all Postfix said to a server without STARTTLS").containsExactly("EHLO " + PostfixServer.HOSTNAME, "QUIT");
            assertThat(failed.events()).filteredOn(Event.Line.class::isInstance).map(Event.Line.class::cast)
                    .as("no STARTTLS offered").noneMatch(l -> l.text().toUpperCase(Locale.ROOT).matches("250[ -]STARTTLS"));
            assertThat(responder.opened()).as("no session, so no body, reached the application").isZero();
        }
    }

    /**
     * Postfix at {@code secure} against our server presenting a certificate from a CA Postfix
     * does not trust (the RSA test CA; {@code smtp_tls_CAfile} holds the EC one): Postfix defers
     * the message ("Server certificate not verified", after "untrusted issuer"): the handshake
     * completes, Postfix says QUIT inside it, and no MAIL, RCPT or body reaches our application.
     *
     * @throws IOException when the server cannot start
     */
    public void secureDefersWhenTheCertificateIsNotTrusted() throws IOException {
        ServerConfig config = InteropPki.server(MailProtocol.SMTP, TlsPolicy.REQUIRED)
                .sslContext(PostfixServer.identity(TestPki.KeyType.RSA_2048).serverContext()).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (StartTlsServers.Running server = servers.start(MailProtocol.SMTP, config, responder)) {
            submitAndAwaitDeferral(server, "must never reach an unverified server", "Server certificate not verified");
            postfix.awaitLog(Pattern.compile("postfix/smtp\\[\\d+\\]: certificate verification failed for 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                    + server.address().getPort() + ": untrusted issuer "), 1, WAIT);
            // The handshake itself succeeds (Postfix judges the certificate after it); Postfix then
            // says QUIT inside TLS, the one command the application is handed.
            Responder.ServedSession served = responder.nextSession(WAIT);
            assertThat(served.facts().encrypted()).isTrue();
            assertThat(served.received()).as("Postfix only said goodbye").containsExactly("QUIT");
            assertThat(served.messages()).as("no message reached an unverified server").isEmpty();
        }
    }

    /**
     * Routes a new domain to {@code server} at {@code secure}, submits a message for it, and waits
     * for Postfix to log its deferral with {@code reason}.
     */
    private void submitAndAwaitDeferral(StartTlsServers.Running server, String subject, String reason) {
        String recipient = "alice@" + postfix.relayTo(server.address(), "secure match=" + InteropPki.SERVER_NAME);
        String queueId = postfix.submit("sender@example.test", recipient, "Subject: " + subject + "\r\n\r\n" + BODY + "\r\n");
        postfix.awaitLog(Pattern.compile(Pattern.quote(queueId) + ": to=<" + Pattern.quote(recipient) + ">, relay="
                + Pattern.quote("127.0.0.1[127.0.0.1]:" + server.address().getPort()) + ", .*status=deferred \\("
                + Pattern.quote(reason) + "\\)"), 1, WAIT);
    }
}
