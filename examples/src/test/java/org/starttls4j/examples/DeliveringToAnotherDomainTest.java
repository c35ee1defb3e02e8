package org.starttls4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.dane.DaneLevel;
import org.starttls4j.resolvers.DeliveryPlanner;
import org.starttls4j.resolvers.MtaStsFetcher;
import org.starttls4j.resolvers.MtaStsResolver;
import org.starttls4j.resolvers.SignedZones;
import org.starttls4j.resolvers.SmtpMx;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.tlsrpt.AggregateReport;
import org.starttls4j.tlsrpt.ResultType;

/** The README's delivery example, run against a DNSSEC-signed zone served by NSD and two SMTP servers on loopback. */
@Tag("interop")
class DeliveringToAnotherDomainTest {

    @TempDir
    Path dir;

    @Test
    void theExampleSecuresTheAuthenticServerAndReportsTheImpostor() throws Exception {
        Identity genuine = TestPki.server(KeyType.EC_P256, "mx.example.test");
        String tlsa = "3 1 1 " + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(genuine.leaf().getPublicKey().getEncoded()));
        try (SignedZones zones = new SignedZones(dir, List.of(SignedZones.Zone.signed("example.test",
                "@ IN MX 10 mx\n@ IN MX 20 mx2\n_25._tcp.mx IN TLSA " + tlsa + "\n_25._tcp.mx2 IN TLSA " + tlsa + "\n")));
             SmtpMx mx = new SmtpMx("mx.example.test", genuine);
             SmtpMx impostor = new SmtpMx("mx2.example.test", TestPki.server(KeyType.RSA_2048, "mx2.example.test"))) {
            DeliveryPlanner planner = new DeliveryPlanner(zones.resolver(),
                    new MtaStsResolver(zones.resolver(), MtaStsFetcher.builder().build(), 10), Optional.of(DaneLevel.DANE),
                    b -> b.clientName("mx.sender.example"));

            AggregateReport report = DeliveringToAnotherDomain.deliver(planner, "example.test",
                    host -> host.host().equals("mx.example.test") ? mx.address() : impostor.address());

            assertThat(report.policies()).hasSize(2);
            assertThat(report.policies().get(0).successCount()).isEqualTo(1);
            assertThat(report.policies().get(1).failureDetails()).singleElement()
                    .satisfies(d -> assertThat(d.resultType()).isEqualTo(ResultType.TLSA_INVALID));
        }
    }
}
