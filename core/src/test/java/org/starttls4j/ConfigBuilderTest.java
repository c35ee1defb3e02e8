package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** The settings both configurations share are set one way, land in each, and chain into each builder's own setters. */
class ConfigBuilderTest {

    static final Timeouts TIMEOUTS = Timeouts.of(Duration.ofSeconds(7));
    static final Limits LIMITS = Limits.DEFAULT;

    @Test
    void theSharedSettingsLandInAClientConfigAndSurviveToBuilder() {
        ClientConfig config = ClientConfig.builder("mail.example.test")
                .policy(TlsPolicy.OPPORTUNISTIC).tlsFloor(TlsVersion.TLS_1_3).timeouts(TIMEOUTS).limits(LIMITS)
                .delegatedTasks(DelegatedTasks.HAND_TO_CALLER)
                .clientName("client.example.test") // a ClientConfig.Builder setter after the shared ones
                .trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();

        assertThat(config.policy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
        assertThat(config.tlsFloor()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(config.timeouts()).isEqualTo(TIMEOUTS);
        assertThat(config.limits()).isEqualTo(LIMITS);
        assertThat(config.delegatedTasks()).isEqualTo(DelegatedTasks.HAND_TO_CALLER);
        ClientConfig copy = config.toBuilder().build();
        assertThat(copy.tlsFloor()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(copy.timeouts()).isEqualTo(TIMEOUTS);
        assertThat(copy.policy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
    }

    @Test
    void theSharedSettingsLandInAServerConfig() {
        ServerConfig config = ServerConfig.builder()
                .policy(TlsPolicy.OPPORTUNISTIC).tlsFloor(TlsVersion.TLS_1_3).timeouts(TIMEOUTS).limits(LIMITS)
                .hostname("mail.example.test") // a ServerConfig.Builder setter after the shared ones
                .sslContext(TestPki.server(KeyType.EC_P256, "mail.example.test").serverContext()).build();

        assertThat(config.policy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
        assertThat(config.tlsFloor()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(config.timeouts()).isEqualTo(TIMEOUTS);
        assertThat(config.delegatedTasks()).isEqualTo(DelegatedTasks.RUN_INLINE);
        assertThat(config.hostname()).isEqualTo("mail.example.test");
    }

    @Test
    void theDefaultsAreTheSameOnBothSides() {
        ClientConfig client = ClientConfig.builder("mail.example.test").build();
        ServerConfig server = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).build();

        assertThat(client.policy()).isEqualTo(TlsPolicy.REQUIRED);
        assertThat(client.tlsFloor()).isEqualTo(server.tlsFloor()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(client.limits()).isEqualTo(server.limits()).isEqualTo(Limits.DEFAULT);
        assertThat(client.timeouts()).isEqualTo(server.timeouts()).isEqualTo(Timeouts.DEFAULT);
        assertThat(client.delegatedTasks()).isEqualTo(server.delegatedTasks()).isEqualTo(DelegatedTasks.RUN_INLINE);
        assertThat(ServerConfig.builder().sslContext(TestPki.server(KeyType.EC_P256, "mail.example.test").serverContext())
                .build().policy()).isEqualTo(TlsPolicy.REQUIRED);
    }

    @Test
    void aNullSharedSettingIsRefusedOnBothBuilders() {
        assertThatThrownBy(() -> ServerConfig.builder().tlsFloor(null)).isInstanceOf(NullPointerException.class).hasMessage("tlsFloor");
        assertThatThrownBy(() -> ClientConfig.builder("h").timeouts(null)).isInstanceOf(NullPointerException.class).hasMessage("timeouts");
    }

    @Test
    void bothConfigurationsAreOneNegotiationConfigToCodeThatNeedsOnlyTheSharedSettings() {
        Limits small = new Limits(200, 10, 4096, 100);
        List<NegotiationConfig> configs = List.of(
                ClientConfig.builder("mail.example.test").policy(TlsPolicy.PLAINTEXT_ONLY).limits(small)
                        .delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build().toBuilder().build(),
                ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).limits(small).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build());

        assertThat(configs).allSatisfy(config -> {
            assertThat(config.policy()).isEqualTo(TlsPolicy.PLAINTEXT_ONLY);
            assertThat(config.limits()).isEqualTo(small);
            assertThat(config.delegatedTasks()).isEqualTo(DelegatedTasks.HAND_TO_CALLER);
            assertThatThrownBy(() -> config.engineFactory().create("mail.example.test", 25))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("PLAINTEXT_ONLY");
        });
    }
}
