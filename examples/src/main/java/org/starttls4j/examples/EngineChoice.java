package org.starttls4j.examples;

import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.starttls4j.ClientConfig;
import org.starttls4j.netty.BoringSsl;

/** The README's "Choosing an engine" example: a client configuration on BoringSSL engines. */
public final class EngineChoice {

    private EngineChoice() {
    }

    /**
     * A client configuration whose engines are Netty's BoringSSL engines.
     *
     * @param caCertificate the anchor the server's chain must end in
     * @return the configuration; host name verification stays on (the core checks the name)
     * @throws SSLException if the BoringSSL context cannot be made
     */
    public static ClientConfig boringSslClient(X509Certificate caCertificate) throws SSLException {
        // README: boringssl client
        SslContext ctx = BoringSsl.clientContext(List.of(caCertificate));      // or BoringSsl.serverContext(key, chain)
        ClientConfig config = ClientConfig.builder("mx.example.com").engineFactory(BoringSsl.engines(ctx)).build();
        // README end
        return config;
    }
}
