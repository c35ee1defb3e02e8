package org.starttls4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ReferenceServer} as a JUnit 5 extension: registered on a static field it starts once
 * for the class and its recording is cleared before each test; on an instance field it starts and
 * stops around each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MailServerExtension SMTP = MailServerExtension.smtp();            // STARTTLS required
 *
 * @RegisterExtension
 * static final MailServerExtension IMAPS = MailServerExtension.of(
 *         ReferenceServer.builder(MailProtocol.IMAP).tls(TlsMode.IMPLICIT_TLS));
 * }</pre>
 */
public final class MailServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final ReferenceServer.Builder builder;
    private ReferenceServer server;
    private boolean perClass;

    private MailServerExtension(ReferenceServer.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /**
     * An extension that starts the server {@code builder} describes.
     *
     * @param builder the server's configuration
     * @return the extension
     */
    public static MailServerExtension of(ReferenceServer.Builder builder) {
        return new MailServerExtension(builder);
    }

    /**
     * An SMTP server with STARTTLS required and a valid certificate for {@code localhost}.
     *
     * @return the extension
     */
    public static MailServerExtension smtp() {
        return of(ReferenceServer.builder(MailProtocol.SMTP));
    }

    /**
     * An IMAP server with STARTTLS required and a valid certificate for {@code localhost}.
     *
     * @return the extension
     */
    public static MailServerExtension imap() {
        return of(ReferenceServer.builder(MailProtocol.IMAP));
    }

    /**
     * A POP3 server with STLS required and a valid certificate for {@code localhost}.
     *
     * @return the extension
     */
    public static MailServerExtension pop3() {
        return of(ReferenceServer.builder(MailProtocol.POP3));
    }

    /**
     * Starts the server once for the class (static field registration).
     *
     * @param context the class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    /**
     * Stops the server started for the class.
     *
     * @param context the class's context
     */
    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /**
     * Starts the server for this test (instance field), or clears the class's server's recording.
     *
     * @param context the test's context
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (perClass) {
            server.recording().clear();
        } else {
            start();
        }
    }

    /**
     * Stops the server started for this test.
     *
     * @param context the test's context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    /**
     * The running server.
     *
     * @return the server
     * @throws IllegalStateException outside a test
     */
    public ReferenceServer server() {
        if (server == null) {
            throw new IllegalStateException("the server runs only while a test runs");
        }
        return server;
    }

    /**
     * The address to connect to.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return server().host();
    }

    /**
     * The server's port.
     *
     * @return the port, chosen free at start
     */
    public int port() {
        return server().port();
    }

    /**
     * A fresh client context trusting only the server's CA.
     *
     * @return the context
     */
    public SSLContext clientContext() {
        return server().clientContext();
    }

    /**
     * The server's PKI, for trust material in other forms.
     *
     * @return the PKI
     */
    public ThrowawayPki pki() {
        return server().pki();
    }

    /**
     * What the server received during this test.
     *
     * @return the recording
     */
    public Recording recording() {
        return server().recording();
    }

    private void start() {
        try {
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the reference server", e);
        }
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
