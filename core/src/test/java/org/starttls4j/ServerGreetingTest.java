package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * What a server application chooses: its greeting in each protocol, the plaintext EHLO reply it
 * gives after an opportunistic hand-over, and no certificate at all when it never reaches TLS.
 */
class ServerGreetingTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final String HOST = "mail.example.test";

    private static String greeting(Negotiation server) {
        return StandardCharsets.ISO_8859_1.decode(server.begin(NOW).outbound()).toString();
    }

    private static ServerConfig.Builder noCertificate() {
        return ServerConfig.builder().hostname(HOST);
    }

    @Test
    void theGreetingTextIsTheApplicationsInEveryProtocol() {
        ServerConfig config = noCertificate().greeting("mx1 ESMTP ready <1.2@mx1>").build();

        assertThat(greeting(Smtp.server(config))).isEqualTo("220 mx1 ESMTP ready <1.2@mx1>\r\n");
        assertThat(greeting(Imap.server(config))).startsWith("* OK [CAPABILITY ").endsWith("] mx1 ESMTP ready <1.2@mx1>\r\n");
        assertThat(greeting(Pop3.server(config))).isEqualTo("+OK mx1 ESMTP ready <1.2@mx1>\r\n");
        assertThat(greeting(Smtp.server(noCertificate().build()))).isEqualTo("220 " + HOST + " ESMTP starttls4j\r\n");
    }

    @Test
    void aGreetingThatCouldBreakTheLineIsRefused() {
        for (String bad : List.of("", "two\r\nlines", "tab\there", "x".repeat(401), "caf\u00e9")) {
            assertThatThrownBy(() -> noCertificate().greeting(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void everyClientReportsTheGreetingAsTheTextAfterItsStatus() {
        ServerConfig server = ServerConfig.builder().hostname(HOST).greeting("hi there")
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext()).build();
        ClientConfig client = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();

        for (Loopback.Result r : List.of(
                Loopback.run(Smtp.client(client), Smtp.server(server), NOW, l -> l.startsWith("EHLO") ? "250 x\r\n" : null),
                Loopback.run(Pop3.client(client), Pop3.server(server), NOW, l -> l.equals("CAPA") ? "+OK\r\nUSER\r\n.\r\n" : null))) {
            assertThat(r.clientEvents()).contains(new Event.GreetingReceived("hi there", false));
        }
        Loopback.Result imap = Loopback.run(Imap.client(client), Imap.server(server), NOW,
                l -> l.endsWith("CAPABILITY") ? "* CAPABILITY IMAP4rev1\r\n" + l.split(" ")[0] + " OK done\r\n" : null);
        assertThat(imap.clientEvents()).filteredOn(Event.GreetingReceived.class::isInstance)
                .singleElement().satisfies(e -> assertThat(((Event.GreetingReceived) e).text())
                        .startsWith("[CAPABILITY ").endsWith("] hi there"));
    }

    @Test
    void aServerWithoutCertificateNegotiatesInPlaintextAndSaysWhatIsMissingWhenTlsIsAsked() {
        ServerConfig plaintextOnly = noCertificate().policy(TlsPolicy.PLAINTEXT_ONLY).build();
        ServerConfig required = noCertificate().build();
        Transition t = Smtp.server(required).begin(NOW);
        t = t.next().onReceived(ByteBuffer.wrap("EHLO c\r\n".getBytes(StandardCharsets.US_ASCII)), NOW);

        assertThat(greeting(Smtp.server(plaintextOnly))).startsWith("220 ");
        assertThat(StandardCharsets.ISO_8859_1.decode(t.outbound()).toString()).contains("250 STARTTLS").doesNotContain("AUTH");
        assertThatThrownBy(() -> required.engineFactory().create(HOST, 25)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("certificateChain(");
    }

    @Test
    void thePlaintextEhloReplyIsTheOneTheNegotiationSends() {
        ServerConfig config = noCertificate().policy(TlsPolicy.OPPORTUNISTIC)
                .capabilitiesBeforeTls(new Capabilities(List.of(new Capability("SIZE", List.of("1000")),
                        new Capability("AUTH", List.of("PLAIN")))))
                .build();
        Transition t = Smtp.server(config).begin(NOW);
        t = t.next().onReceived(ByteBuffer.wrap("EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII)), NOW);

        String reply = Smtp.ehloReplyInPlaintext(config, "client.example");

        assertThat(StandardCharsets.ISO_8859_1.decode(t.outbound()).toString()).isEqualTo(reply);
        assertThat(reply).contains("SIZE 1000", "STARTTLS").doesNotContain("AUTH");
    }
}
