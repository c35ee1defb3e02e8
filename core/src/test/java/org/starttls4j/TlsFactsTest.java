package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** Facts and events log as one line each: who, by whom, which key, how long, never a dump. */
class TlsFactsTest {

    @Test
    void factsAndTheirEventPrintOneLineWithSubjectIssuerFingerprintAndDates() {
        Identity id = TestPki.server(KeyType.RSA_2048, "mail.example.test");
        TlsFacts facts = new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", id.chain(), List.of());

        String line = facts.toString();

        assertThat(line).doesNotContain("\n").hasSizeLessThan(600)
                .contains("TLSv1.3 TLS_AES_128_GCM_SHA256", "subject " + id.leaf().getSubjectX500Principal().getName(),
                        "issuer " + id.leaf().getIssuerX500Principal().getName(), "sha256 " + TlsFacts.sha256(id.leaf()),
                        "valid " + id.leaf().getNotBefore().toInstant() + " to " + id.leaf().getNotAfter().toInstant(),
                        "local none")
                .doesNotContain("Modulus", "modulus", "Signature");
        assertThat(new Event.TlsEstablished(facts).toString()).doesNotContain("\n").contains(line);
    }
}
