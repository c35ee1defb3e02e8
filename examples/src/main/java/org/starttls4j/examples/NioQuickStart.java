package org.starttls4j.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationException;
import org.starttls4j.nio.NegotiationReport;
import org.starttls4j.nio.NioClient;
import org.starttls4j.nio.NioServer;
import org.starttls4j.smtp.Smtp;

/** The README's quick start for the NIO adapter: a blocking client and a one-thread server. */
public final class NioQuickStart {

    private NioQuickStart() {
    }

    /**
     * Connects to a mail server, negotiates STARTTLS and sends one command.
     *
     * @return why the negotiation failed, or null when it succeeded
     * @throws IOException when the connection fails
     */
    public static Failure client() throws IOException {
        // README: nio client
        ClientConfig config = ClientConfig.builder("mail.example.org").build();
        try (NegotiatedChannel channel = NioClient.create().connect("mail.example.org", 587, config, Smtp::client)) {
            NegotiationReport report = channel.report();     // events, TLS facts, capabilities inside TLS
            channel.write(StandardCharsets.US_ASCII.encode("AUTH PLAIN …\r\n"));
        } catch (NegotiationException e) {
            Failure why = e.failure();                        // QUIT was sent and the socket closed
        }
        // README end
        return null;
    }

    /**
     * Starts a server on 127.0.0.1:2525 that hands each negotiated session to a worker.
     *
     * @param serverConfig the server's configuration
     * @param workers      where sessions are served
     * @return the running server
     * @throws IOException when it cannot listen
     */
    public static NioServer server(ServerConfig serverConfig, ExecutorService workers) throws IOException {
        // README: nio server
        NioServer server = NioServer.builder(serverConfig, Smtp::server)   // one selector thread
                .bind(new InetSocketAddress("127.0.0.1", 2525))
                .onSession(channel -> workers.submit(() -> serve(channel)))  // SecureChannel or PlaintextChannel
                .start();
        // README end
        return server;
    }

    private static void serve(NegotiatedChannel channel) {
        try (channel) {
            channel.write(StandardCharsets.US_ASCII.encode("250 ok\r\n"));
        } catch (IOException e) {
            // the client went away
        }
    }
}
