package org.starttls4j.netty.boringssl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.starttls4j.ClientConfig;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * However the bytes of a negotiation are cut into reads, the core with BoringSSL engines ends the
 * same way: both ends secured, on the same TLS session parameters, capabilities asked again.
 */
class BoringSslFragmentationPropertiesTest {

    @Property(tries = 60)
    void anySplitOfEveryFlightGivesTheSameOutcome(@ForAll Wire.Protocol protocol, @ForAll boolean boringClient,
            @ForAll boolean boringServer, @ForAll boolean tls12,
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 2000) Integer> cuts) {
        String version = tls12 ? "TLSv1.2" : "TLSv1.3";
        ClientConfig client = Engines.client(TlsPolicy.REQUIRED, KeyType.EC_P256, boringClient, version).build();
        ServerConfig server = Engines.server(TlsPolicy.REQUIRED, KeyType.EC_P256, boringServer, Engines.HOST, version).build();

        Wire.Ends r = Wire.run(protocol, client, server, step -> cuts.get(step % cuts.size()));

        assertThat(r.client()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.server()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().tls().protocol()).isEqualTo(version);
        assertThat(r.clientSession().tls().cipherSuite()).isEqualTo(r.serverSession().tls().cipherSuite());
        assertThat(r.clientSession().capabilities().has("AUTH")).isTrue();
        BoringSslPairTest.assertExchanges(r.clientSession(), r.serverSession(), 3000);
    }
}
