package org.starttls4j.examples;

import java.nio.file.Path;
import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.ServerConfig;

/** The README's server configuration: certificate from PEM files, greeting, capabilities. */
public final class ServerQuickStart {

    private ServerQuickStart() {
    }

    /**
     * A server configuration as the README shows it.
     *
     * @param chain the PEM certificate chain, the server's own first
     * @param key   its PEM private key
     * @return the configuration
     */
    public static ServerConfig config(Path chain, Path key) {
        // README: server config
        ServerConfig serverConfig = ServerConfig.builder()               // policy REQUIRED, TLS 1.2 floor
                .hostname("mail.example.org")
                .certificateChain(chain, key)                            // PEM, e.g. certbot's fullchain.pem, privkey.pem
                .greeting("mail.example.org ESMTP ready")                // 220 mail.example.org ESMTP ready
                .capabilitiesBeforeTls(Capabilities.fromLines(List.of("SIZE 35882577", "8BITMIME")))
                .capabilitiesAfterTls(Capabilities.fromLines(List.of("SIZE 35882577", "8BITMIME", "AUTH PLAIN")))
                .build();                                                // STARTTLS is added before TLS, AUTH only after
        // README end
        return serverConfig;
    }
}
