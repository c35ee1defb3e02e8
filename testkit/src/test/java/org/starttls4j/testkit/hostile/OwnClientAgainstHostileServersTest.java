package org.starttls4j.testkit.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.imap.Imap;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NioClient;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testkit.MailProtocol;

/** The library's own client (NIO adapter, policy REQUIRED) stays safe against every hostile scenario, and bounds what it reads. */
class OwnClientAgainstHostileServersTest {

    /** Every protocol with every scenario that applies to it (also the rows of the Jakarta Mail proof). */
    static List<Arguments> everyScenario() {
        List<Arguments> all = new ArrayList<>();
        for (MailProtocol protocol : MailProtocol.mail()) {
            for (HostileScenario scenario : HostileScenario.forProtocol(protocol)) {
                all.add(Arguments.of(protocol, scenario));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyScenario")
    void starttls4jClientStaysSafe(MailProtocol protocol, HostileScenario scenario) throws Exception {
        try (HostileServer server = HostileServer.start(protocol, scenario)) {
            boolean secured = negotiateAndLeave(server, protocol, TlsPolicy.REQUIRED);
            HostileRun run = server.run();

            assertThat(run).clientConnected().clientStayedSafe();
            boolean harmless = scenario == HostileScenario.FRAGMENTED_REPLIES || scenario == HostileScenario.SLOW_REPLIES
                    || scenario == HostileScenario.CAPABILITY_INJECTION;
            assertThat(secured).as("secured against " + scenario).isEqualTo(harmless);
        }
    }

    /**
     * Connects the NIO client with {@code policy} (trusting only the server's CA, 3 s timeouts),
     * says goodbye if it got through, and returns whether it was secured.
     */
    static boolean negotiateAndLeave(HostileServer server, MailProtocol protocol, TlsPolicy policy) {
        ClientConfig config = ClientConfig.builder("localhost")
                .policy(policy)
                .sslContext(server.clientContext())
                .timeouts(Timeouts.of(Duration.ofSeconds(3)))
                .build();
        boolean secured = false;
        try (NegotiatedChannel channel = NioClient.create().connect(server.host(), server.port(), config, c -> negotiation(protocol, c))) {
            secured = channel.isEncrypted();
            ByteBuffer goodbye = StandardCharsets.US_ASCII.encode(protocol == MailProtocol.IMAP ? "Z9 LOGOUT\r\n" : "QUIT\r\n");
            while (goodbye.hasRemaining()) {
                channel.write(goodbye);
            }
        } catch (IOException e) {
            // refusing is what a safe client does; the verdict says whether anything leaked first
        }
        return secured;
    }

    private static Negotiation negotiation(MailProtocol protocol, ClientConfig config) {
        return switch (protocol) {
            case SMTP -> Smtp.client(config);
            case IMAP -> Imap.client(config);
            case POP3 -> Pop3.client(config);
            default -> throw new IllegalArgumentException("hostile servers speak SMTP, IMAP and POP3");
        };
    }
}
