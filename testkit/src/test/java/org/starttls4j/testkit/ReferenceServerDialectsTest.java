package org.starttls4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls4j.ClientConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NioClient;

/**
 * The reference server in every protocol through either adapter, driven by the library's own
 * client: the STARTTLS negotiation, then the goodbye answered inside TLS, recorded with its layer
 * and logged with it.
 */
class ReferenceServerDialectsTest {

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"SMTP, NETTY", "IMAP, NETTY", "POP3, NETTY", "LMTP, NIO", "LMTP, NETTY", "SIEVE, NIO", "SIEVE, NETTY",
            "NNTP, NIO", "NNTP, NETTY"})
    void negotiatesThenAnswersTheGoodbyeInsideTls(MailProtocol protocol, ServerAdapter adapter) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ReferenceServer server = ReferenceServer.builder(protocol).adapter(adapter).log(log::add).start()) {
            ClientConfig config = ClientConfig.builder("localhost").policy(TlsPolicy.REQUIRED).sslContext(server.clientContext())
                    .timeouts(Timeouts.of(Duration.ofSeconds(10))).build();
            String goodbye = switch (protocol) {
                case IMAP -> "Z9 LOGOUT";
                case SIEVE -> "LOGOUT";
                default -> "QUIT";
            };
            String answered;
            try (NegotiatedChannel channel = NioClient.create().connect(server.host(), server.port(), config, protocol::client)) {
                assertThat(channel.isEncrypted()).isTrue();
                ByteBuffer out = StandardCharsets.US_ASCII.encode(goodbye + "\r\n");
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                answered = readUntilClosed(channel);
            }

            assertThat(answered).containsPattern(switch (protocol) {
                case SMTP, LMTP -> "221 ";
                case NNTP -> "205 ";
                case POP3 -> "\\+OK Bye";
                case IMAP -> "Z9 OK LOGOUT";
                case SIEVE -> "OK \"Logout";
            });
            StartTlsAssertions.assertThat(server.recording()).onlyNegotiationBeforeTls();
            assertThat(server.recording().commands(Layer.TLS)).extracting(ReceivedCommand::line).contains(goodbye);
            assertThat(server.recording().commands(Layer.PLAINTEXT)).extracting(c -> c.verb(protocol)).contains(protocol.startTlsCommand());
            assertThat(log).anySatisfy(line -> assertThat(line).contains("[tls]   C: " + goodbye))
                    .anySatisfy(line -> assertThat(line).contains("negotiated: handing over inside TLS"));
        }
    }

    private static String readUntilClosed(NegotiatedChannel channel) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(4096);
        try {
            while (channel.read(in.clear()) >= 0) {
                all.write(in.array(), 0, in.position());
            }
        } catch (IOException e) {
            // the server closed after its answer
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
