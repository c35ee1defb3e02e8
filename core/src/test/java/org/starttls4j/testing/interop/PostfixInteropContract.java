package org.starttls4j.testing.interop;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.testing.TestPki;

/**
 * An adapter's client and server against a real Postfix in both directions, over 127.0.0.1: one
 * private {@link PostfixServer} per test class (installed by {@code .ci/install-interop-tools}).
 * Our client against its smtpd ({@link PostfixClientScenarios}); its smtp client delivering to our
 * server ({@link PostfixRelayScenarios}). Each adapter's test extends this and says how its
 * client connects and its server starts; the tests are written once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("interop")
public abstract class PostfixInteropContract {

    private PostfixServer postfix;
    private PostfixClientScenarios client;
    private PostfixRelayScenarios relay;

    /** How the adapter under test connects a client. */
    protected abstract StartTlsClients clients();

    /** How the adapter under test starts a server. */
    protected abstract StartTlsServers servers();

    @BeforeAll
    void startPostfix() {
        postfix = PostfixServer.start();
        client = new PostfixClientScenarios(clients(), postfix);
        relay = new PostfixRelayScenarios(servers(), postfix);
    }

    @AfterAll
    void stopPostfix() {
        if (postfix != null) {
            postfix.close();
        }
    }

    static Stream<PostfixServer.Listener> listenersWithTls() {
        return PostfixServer.Listener.all().stream().filter(l -> l.level() != PostfixServer.Level.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("listenersWithTls")
    void requiredSecuresThenMailIsQueuedInsideTls(PostfixServer.Listener listener) throws IOException {
        client.requiredSendsMailInsideTls(listener);
    }

    @Test
    void requiredRejectsPostfixsCertificateForAnotherName() throws IOException {
        client.requiredRejectsACertificateForAnotherName();
    }

    @Test
    void requiredFailsAgainstPostfixWithoutTls() throws IOException {
        client.requiredFailsWithoutStartTls();
    }

    @Test
    void opportunisticHandsOverInPlaintextAgainstPostfixWithoutTls() throws IOException {
        client.opportunisticHandsOverInPlaintextWithoutStartTls();
    }

    @ParameterizedTest
    @EnumSource(TestPki.KeyType.class)
    void tls13FloorFailsAgainstPostfixLimitedToTls12(TestPki.KeyType keyType) throws IOException {
        client.tls13FloorFailsAgainstTls12Only(keyType);
    }

    @ParameterizedTest
    @ValueSource(strings = {"secure", "verify"})
    void postfixDeliversToOurServerInsideTls(String level) throws IOException {
        relay.deliversInsideTls(level);
    }

    @Test
    void postfixLimitedToTls12DeliversToOurServerInsideTls12() throws IOException {
        relay.deliversInsideTls12();
    }

    @Test
    void postfixAtSecureDefersWhenOurServerOffersNoStartTls() throws IOException {
        relay.secureDefersWhenStartTlsIsNotOffered();
    }

    @Test
    void postfixAtSecureDefersWhenOurCertificateIsNotTrusted() throws IOException {
        relay.secureDefersWhenTheCertificateIsNotTrusted();
    }
}
