package org.starttls4j.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateCheck;
import org.starttls4j.ClientConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;
import org.starttls4j.tlsrpt.ResultType;

class MtaStsTest {

    static final StsPolicy ENFORCE = StsPolicy.parse(StsPolicyTest.RFC_EXAMPLE).valid().orElseThrow();
    static final StsPolicy TESTING = StsPolicy.parse(StsPolicyTest.RFC_EXAMPLE.replace("enforce", "testing")).valid().orElseThrow();

    @Test
    void aListedMxGetsRequiredTlsWithAVerifiedCertificateForItsName() {
        MxDecision d = MtaSts.decide(ENFORCE, "MX7.example.net.", b -> b.clientName("sender.example.org"));
        assertThat(d).isInstanceOf(MxDecision.Deliver.class);
        MxDecision.Deliver deliver = (MxDecision.Deliver) d;
        assertThat(deliver.failureFinal()).isTrue();
        ClientConfig c = deliver.config();
        assertThat(c.policy()).isEqualTo(TlsPolicy.REQUIRED);
        assertThat(c.serverName()).isEqualTo("mx7.example.net");
        assertThat(c.certificateCheck()).isEqualTo(CertificateCheck.standard());
        assertThat(c.tlsFloor()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(c.clientName()).isEqualTo("sender.example.org");
    }

    @Test
    void theSendersSettingsCannotWeakenThePolicy() {
        MxDecision d = MtaSts.decide(ENFORCE, "mail.example.com", b -> b.policy(TlsPolicy.OPPORTUNISTIC)
                .certificateCheck(CertificateCheck.dangerouslyAcceptAny()).serverName("other.example").tlsFloor(TlsVersion.TLS_1_3));
        ClientConfig c = ((MxDecision.Deliver) d).config();
        assertThat(c.policy()).isEqualTo(TlsPolicy.REQUIRED);
        assertThat(c.certificateCheck().verifyChain()).isTrue();
        assertThat(c.certificateCheck().verifyHostname()).isTrue();
        assertThat(c.serverName()).isEqualTo("mail.example.com");
        assertThat(c.tlsFloor()).isEqualTo(TlsVersion.TLS_1_3);
    }

    @Test
    void anUnlistedMxIsNotDeliveredToUnderEnforceAndReportedUnderTesting() {
        assertThat(MtaSts.decide(ENFORCE, "evil.example", b -> b)).isInstanceOfSatisfying(MxDecision.DoNotDeliver.class,
                d -> assertThat(d.report()).isEqualTo(ResultType.VALIDATION_FAILURE));
        assertThat(MtaSts.decide(TESTING, "evil.example", b -> b)).isInstanceOfSatisfying(MxDecision.WithoutPolicy.class,
                d -> assertThat(d.report()).isEqualTo(ResultType.VALIDATION_FAILURE));
    }

    @Test
    void testingDeliversUnderThePolicyButAFailureIsNotFinal() {
        assertThat(MtaSts.decide(TESTING, "backupmx.example.com", b -> b))
                .isInstanceOfSatisfying(MxDecision.Deliver.class, d -> assertThat(d.failureFinal()).isFalse());
    }

    @net.jqwik.api.Property(tries = 200)
    void anEnforcedPolicyEitherVerifiesTheMxHostOrRefusesIt(@net.jqwik.api.ForAll("hosts") String host) {
        MxDecision d = MtaSts.decide(ENFORCE, host, b -> b.certificateCheck(CertificateCheck.dangerouslyAcceptAny()));
        if (ENFORCE.allows(host)) {
            assertThat(d).isInstanceOfSatisfying(MxDecision.Deliver.class, deliver -> {
                assertThat(deliver.config().policy()).isEqualTo(TlsPolicy.REQUIRED);
                assertThat(deliver.config().certificateCheck()).isEqualTo(CertificateCheck.standard());
                assertThat(deliver.config().serverName()).isEqualToIgnoringCase(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
            });
        } else {
            assertThat(d).isInstanceOf(MxDecision.DoNotDeliver.class);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> hosts() {
        net.jqwik.api.Arbitrary<String> label = net.jqwik.api.Arbitraries.of("mail", "mx1", "a", "b", "example", "com", "net",
                "backupmx", "MAIL", "evil");
        return label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l))
                .flatMap(h -> net.jqwik.api.Arbitraries.of(h, h + "."));
    }

    @Test
    void modeNoneIsDeliveryWithoutPolicy() {
        StsPolicy none = new StsPolicy(StsMode.NONE, List.of(), java.time.Duration.ofDays(1), java.util.Map.of());
        assertThat(MtaSts.decide(none, "anything.example", b -> b)).isInstanceOfSatisfying(MxDecision.WithoutPolicy.class,
                d -> assertThat(d.report()).isNull());
    }
}
