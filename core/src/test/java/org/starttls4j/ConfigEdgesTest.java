package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * Configuration edges: names that go on the wire are one printable token (a space or a line end
 * anywhere, first character included, would add a parameter or a command), and a configuration
 * copied with one way of making engines takes another without complaint, the copied way and the
 * copied anchors it would contradict dropped.
 */
class ConfigEdgesTest {

    private static final String HOST = "mail.example.test";

    @Test
    void aClientNameWithASpaceOrAControlCharacterIsRefused() {
        for (String bad : List.of("a b", "a\u007fb", "\rclient.example.test", "\nclient.example.test", "client\r\n")) {
            assertThatThrownBy(() -> ClientConfig.builder(HOST).clientName(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ClientConfig.builder(HOST).clientName("client.example.test~!").build().clientName()).isEqualTo("client.example.test~!");
    }

    @Test
    void aServerNameOrHostnameStartingWithALineEndIsRefused() {
        for (String bad : List.of("\rmail.example.test", "\nmail.example.test", "mail.example.test\n")) {
            assertThatThrownBy(() -> ClientConfig.builder(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ClientConfig.builder(HOST).serverName(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ServerConfig.builder().hostname(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aCopiedConfigurationTakesAnotherWayOfMakingEnginesAndDropsTheCopiedOne() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        EngineFactory factory = context::createSSLEngine;

        ClientConfig anchored = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.RSA_2048))).build();
        assertThat(anchored.toBuilder().sslContext(context).build().engineFactory()).isNotSameAs(factory);
        assertThat(anchored.toBuilder().engineFactory(factory).build().engineFactory()).isSameAs(factory);

        ClientConfig byFactory = ClientConfig.builder(HOST).engineFactory(factory).build();
        assertThat(byFactory.engineFactory()).isSameAs(factory);
        ClientConfig byContext = byFactory.toBuilder().sslContext(context).build();
        assertThat(byContext.engineFactory()).isNotSameAs(factory);
        assertThat(byContext.toBuilder().engineFactory(factory).build().engineFactory()).isSameAs(factory);
    }

    @Test
    void aGreetingIsOneTo400PrintableAsciiCharactersOnOneLine() {
        String longest = "a ~".repeat(133) + "z";
        assertThat(ServerConfig.builder().hostname(HOST).greeting(longest).build().greeting()).contains(longest);
        for (String bad : List.of(longest + "z", "", "a\u007fb", "a\u001fb", "hello\r\n250 forged")) {
            assertThatThrownBy(() -> ServerConfig.builder().greeting(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aServerWhoseOwnEnginesEnableNoVersionAtTheFloorIsRefusedWhenBuilt() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        assertThatThrownBy(() -> ServerConfig.builder().hostname(HOST).engineFactory(TlsPairTest.onlyVersion(context, "TLSv1.1")).build())
                .isInstanceOf(IllegalStateException.class);
        assertThat(ServerConfig.builder().hostname(HOST).engineFactory(TlsPairTest.onlyVersion(context, "TLSv1.2")).build()).isNotNull();
    }

    @Test
    void aReplyMayBeBoundToOneLine() {
        assertThat(Limits.DEFAULT.withMaxLinesPerReply(1).maxLinesPerReply()).isEqualTo(1);
        assertThatThrownBy(() -> Limits.DEFAULT.withMaxLinesPerReply(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePortAndTheStrengthFloorSetAreTheOnesBuilt() {
        ClientConfig config = ClientConfig.builder(HOST).serverPort(465).certificateStrength(CertificateStrength.LEGACY).build();
        assertThat(config.serverPort()).isEqualTo(465);
        assertThat(config.certificateStrength()).isEqualTo(CertificateStrength.LEGACY);
        assertThat(config.toBuilder().build().serverPort()).isEqualTo(465);
    }

    @Test
    void aServerVariantKeepsTheEnginesGreetingAndNameOfItsOriginal() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        EngineFactory factory = TlsPairTest.onlyVersion(context, "TLSv1.2");
        ServerConfig original = ServerConfig.builder().hostname(HOST).engineFactory(factory).greeting("hello there").build();
        ServerConfig variant = original.toBuilder().build();
        assertThat(variant.engineFactory()).isSameAs(factory);
        assertThat(variant.greeting()).contains("hello there");
        assertThat(variant.hostname()).isEqualTo(HOST);
    }
}
