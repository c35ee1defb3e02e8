package org.starttls4j.internal.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;

class AnnouncementTest {

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("STARTTLS", "starttls", "STLS", "AUTH", "SASL", "PIPELINING", "SIZE", "TOP", "UIDL");
    }

    @Property(tries = 300)
    void theStartTlsWordIsTheNegotiationsAndWithheldOnesNeverShow(@ForAll @Size(max = 8) List<@From("names") String> names,
            @ForAll TlsPolicy policy) {
        ServerConfig config = ServerConfig.builder().policy(policy).build();
        Capabilities configured = new Capabilities(names.stream().map(n -> new Capability(n, List.of())).collect(Collectors.toList()));

        Capabilities announced = Announcement.beforeTls(config, configured, "STARTTLS", c -> c.is("AUTH") || c.is("SASL"));

        List<String> expected = names.stream().filter(n -> !n.equalsIgnoreCase("STARTTLS") && !n.equals("AUTH") && !n.equals("SASL"))
                .collect(Collectors.toList());
        if (policy != TlsPolicy.PLAINTEXT_ONLY) {
            expected.add("STARTTLS");
        }
        assertThat(announced.list()).extracting(Capability::name).containsExactlyElementsOf(expected);
    }
}
