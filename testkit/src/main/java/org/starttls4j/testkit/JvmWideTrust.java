package org.starttls4j.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/**
 * The JVM-wide trust of {@link ThrowawayPki#trustJvmWide()}, in place until closed. Use it in a
 * try-with-resources block around the code under test.
 */
public final class JvmWideTrust implements AutoCloseable {

    private static final String STORE = "javax.net.ssl.trustStore";
    private static final String PASSWORD = "javax.net.ssl.trustStorePassword";
    private static final String TYPE = "javax.net.ssl.trustStoreType";

    private final SSLContext previousDefault;
    private final String previousStore;
    private final String previousPassword;
    private final String previousType;
    private final Path file;

    private JvmWideTrust(SSLContext previousDefault, Path file) {
        this.previousDefault = previousDefault;
        this.previousStore = System.getProperty(STORE);
        this.previousPassword = System.getProperty(PASSWORD);
        this.previousType = System.getProperty(TYPE);
        this.file = file;
    }

    static JvmWideTrust install(SSLContext context, Path file, String password) {
        SSLContext previous;
        try {
            previous = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default SSLContext", e);
        }
        JvmWideTrust trust = new JvmWideTrust(previous, file);
        SSLContext.setDefault(context);
        System.setProperty(STORE, file.toString());
        System.setProperty(PASSWORD, password);
        System.setProperty(TYPE, "PKCS12");
        return trust;
    }

    /**
     * The temporary PKCS#12 trust store the properties point at.
     *
     * @return its path; deleted on {@link #close()}
     */
    public Path trustStore() {
        return file;
    }

    /** Restores the previous default context and properties, and deletes the temporary store. */
    @Override
    public void close() {
        SSLContext.setDefault(previousDefault);
        restore(STORE, previousStore);
        restore(PASSWORD, previousPassword);
        restore(TYPE, previousType);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
