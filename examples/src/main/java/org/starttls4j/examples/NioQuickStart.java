package org.starttls4j.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerConfig;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationException;
import org.starttls4j.nio.NegotiationReport;
import org.starttls4j.nio.NioClient;
import org.starttls4j.nio.NioServer;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.smtp.SmtpReply;
import org.starttls4j.smtp.SmtpReplyParser;
import org.starttls4j.text.Received;

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
            channel.write(StandardCharsets.US_ASCII.encode("NOOP\r\n"));
            Received<SmtpReply> reply = SmtpReplyParser.create(Limits.DEFAULT).read(channel, ByteBuffer.allocate(512).flip());
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
        NioServer server = NioServer.builder(serverConfig, Smtp::server)   // a selector loop per core
                .bind(new InetSocketAddress("127.0.0.1", 2525))
                .onSession(channel -> workers.submit(() -> serve(channel, serverConfig)))  // SecureChannel or PlaintextChannel
                .start();
        // README end
        return server;
    }

    /**
     * Answers EHLO, NOOP and QUIT on a handed-over connection, for the quick starts and their test.
     *
     * @param channel the connection, secured or (under a policy that allows it) in plaintext
     * @param config  the server's configuration, for the EHLO reply
     */
    static void serve(NegotiatedChannel channel, ServerConfig config) {
        try (channel) {
            ByteBuffer in = ByteBuffer.allocate(1024);
            StringBuilder line = new StringBuilder();
            while (channel.read(in) >= 0) {
                in.flip();
                while (in.hasRemaining()) {
                    char c = (char) in.get();
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    String command = line.toString().strip();
                    line.setLength(0);
                    channel.write(StandardCharsets.US_ASCII.encode(answer(command, config, channel.isEncrypted())));
                    if (command.equalsIgnoreCase("QUIT")) {
                        return;
                    }
                }
                in.clear();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String answer(String command, ServerConfig config, boolean encrypted) {
        String verb = command.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        String argument = command.length() > verb.length() ? command.substring(verb.length()).strip() : "";
        switch (verb) {
            case "EHLO":
                return encrypted ? Smtp.ehloReplyAfterTls(config, argument) : Smtp.ehloReplyInPlaintext(config, argument);
            case "NOOP":
                return "250 2.0.0 OK\r\n";
            case "QUIT":
                return "221 2.0.0 Bye\r\n";
            default:
                return "502 5.5.1 Not in this example\r\n";
        }
    }
}
