package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;

/** {@link Negotiation#greets()}: what beginning would show, known without beginning. */
class GreetsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static final List<Function<ServerConfig, Negotiation>> FRESH = List.of(Smtp::server, Imap::server, Pop3::server);
    private static final List<Function<ServerConfig, Negotiation>> RESUMING =
            List.of(Smtp::serverResuming, Imap::serverResuming, Pop3::serverResuming);

    @Test
    void aFreshServerGreetsAndAResumingOneDoesNotAsBeginningShows() {
        for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY)) {
            ServerConfig config = ServerFlowTest.config(policy).build();
            for (Function<ServerConfig, Negotiation> fresh : FRESH) {
                Negotiation server = fresh.apply(config);
                assertThat(server.greets()).as("%s %s", policy, server).isTrue();
                assertThat(server.begin(NOW).hasOutbound()).isTrue();
            }
            for (Function<ServerConfig, Negotiation> resuming : RESUMING) {
                Negotiation server = resuming.apply(config);
                assertThat(server.greets()).as("%s %s", policy, server).isFalse();
                assertThat(server.begin(NOW).hasOutbound()).isFalse();
            }
        }
    }

    @Test
    void anImplicitTlsServerGreetsInsideTlsAndNothingGreetsOnceBegun() {
        Negotiation implicit = Smtp.server(ServerFlowTest.config(TlsPolicy.IMPLICIT).build());
        assertThat(implicit.greets()).isTrue();
        assertThat(implicit.withTransportTls().greets()).isTrue();

        Negotiation begun = Smtp.server(ServerFlowTest.config(TlsPolicy.REQUIRED).build()).begin(NOW).next();
        assertThat(begun.greets()).isFalse();
        assertThat(Smtp.client(ClientConfig.builder("mx.example.test").build()).greets()).as("a client").isFalse();
    }
}
