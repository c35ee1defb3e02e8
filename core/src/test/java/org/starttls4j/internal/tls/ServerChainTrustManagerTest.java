package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** The client context's two trust managers: server chains judged through every overload, client chains never. */
class ServerChainTrustManagerTest {

    private static final String NAME = "mail.example.test";

    private final X509Certificate[] chain = TestPki.server(KeyType.EC_P256, NAME).chain().toArray(new X509Certificate[0]);
    private final X509ExtendedTrustManager anchors = TlsContexts.trusting(List.of(TestPki.ca(KeyType.EC_P256)));

    @Test
    void theClassifyingManagerJudgesTheServerThroughEachOverload() throws CertificateException {
        ClassifyingTrustManager judge = new ClassifyingTrustManager(anchors, NAME, StrengthFloor.DEFAULT);
        judge.checkServerTrusted(chain, "UNKNOWN");
        judge.checkServerTrusted(chain, "UNKNOWN", (java.net.Socket) null);

        ClassifyingTrustManager otherName = new ClassifyingTrustManager(anchors, "other.example.test", StrengthFloor.DEFAULT);
        assertThatThrownBy(() -> otherName.checkServerTrusted(chain, "UNKNOWN"))
                .isInstanceOfSatisfying(RejectedCertificateException.class, e -> assertThat(e.problem()).isEqualTo(Problem.HOST_MISMATCH));
        ClassifyingTrustManager otherCa = new ClassifyingTrustManager(TlsContexts.trusting(List.of(TestPki.ca(KeyType.RSA_2048))),
                NAME, StrengthFloor.DEFAULT);
        assertThatThrownBy(() -> otherCa.checkServerTrusted(chain, "UNKNOWN", (javax.net.ssl.SSLEngine) null))
                .isInstanceOfSatisfying(RejectedCertificateException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_TRUSTED));
        assertThat(judge.getAcceptedIssuers()).contains(TestPki.ca(KeyType.EC_P256));
    }

    @Test
    void acceptingAnyServerStillJudgesNoClient() throws CertificateException {
        AcceptAnyTrustManager any = new AcceptAnyTrustManager();
        any.checkServerTrusted(chain, "UNKNOWN");
        any.checkServerTrusted(chain, "UNKNOWN", (java.net.Socket) null);
        any.checkServerTrusted(chain, "UNKNOWN", (javax.net.ssl.SSLEngine) null);
        assertThat(any.getAcceptedIssuers()).isEmpty();

        assertRefusesClients(any);
    }

    @Test
    void aVerifyingClientContextJudgesNoClient() {
        assertRefusesClients(new ClassifyingTrustManager(anchors, NAME, StrengthFloor.DEFAULT));
    }

    private void assertRefusesClients(ServerChainTrustManager manager) {
        assertThatThrownBy(() -> manager.checkClientTrusted(chain, "UNKNOWN")).isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> manager.checkClientTrusted(chain, "UNKNOWN", (java.net.Socket) null))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> manager.checkClientTrusted(chain, "UNKNOWN", (javax.net.ssl.SSLEngine) null))
                .isInstanceOf(CertificateException.class);
    }
}
