package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class EngineSetupTest {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    @Test
    void addressesAreToldFromNames() {
        assertThat(EngineSetup.isIpv4("127.0.0.1")).isTrue();
        assertThat(EngineSetup.isIpv4("999.1.22.333")).as("shape, not range: such a name is no host name either").isTrue();
        assertThat(EngineSetup.isIpv4("mail.example.test")).isFalse();
        assertThat(EngineSetup.isIpv4("1.2.3")).isFalse();
        assertThat(EngineSetup.isIpv4("1.2.3.4.")).isFalse();
        assertThat(EngineSetup.isIpv4("1.2.3.")).isFalse();
        assertThat(EngineSetup.isIpv4("1.2.3.4.5")).isFalse();
        assertThat(EngineSetup.isIpv4(".1.2.3")).isFalse();
        assertThat(EngineSetup.isIpv4("1..2.3")).isFalse();
        assertThat(EngineSetup.isIpv4("1234.1.1.1")).isFalse();
        assertThat(EngineSetup.isIpv4("")).isFalse();
    }

    @Test
    void onlyAHostNameGoesIntoSni() throws Exception {
        assertThat(sniOf("mail.example.test")).containsExactly("mail.example.test");
        assertThat(sniOf("127.0.0.1")).as("an address").isEmpty();
        assertThat(sniOf("::1")).as("an IPv6 address").isEmpty();
        assertThat(sniOf("localhost")).as("no dot").isEmpty();
        assertThat(sniOf(".example.test")).as("a leading dot").isEmpty();
        assertThat(sniOf("under_score.example.test")).as("a name SNI cannot carry").isEmpty();
    }

    @Test
    void anEnginesOwnWebStyleHostNameCheckIsSwitchedOff() throws Exception {
        // an EngineFactory's engine may come with "HTTPS" set; the JDK ignores a null algorithm
        javax.net.ssl.SSLEngine engine = javax.net.ssl.SSLContext.getDefault().createSSLEngine();
        javax.net.ssl.SSLParameters https = engine.getSSLParameters();
        https.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(https);

        EngineSetup.client(engine, "mail.example.test", new EngineSetup.Floor("TLSv1.2", p -> p.equals("TLSv1.3")));

        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm())
                .as("RFC 7817's rules are checked by HostNames; HTTPS's would allow partial wildcards").isEmpty();
    }

    @Test
    void versionsBelowTheFloorAreDroppedAndEveryOneAtOrAboveItIsKept() throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, null, null);
        javax.net.ssl.SSLEngine engine = context.createSSLEngine();
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1"});

        EngineSetup.server(engine, new EngineSetup.Floor("TLSv1.2", p -> p.equals("TLSv1.2") || p.equals("TLSv1.3")));

        assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }

    @Test
    void anEnginesOwnListsAreNotHandedBackToIt() throws Exception {
        // Netty's OpenSSL engine makes a C copy of a cipher list it is handed, per connection.
        java.util.List<Object> given = new java.util.ArrayList<>();
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, null, null);
        EngineSetup.Floor floor = new EngineSetup.Floor("TLSv1.2", p -> p.equals("TLSv1.2") || p.equals("TLSv1.3"));
        javax.net.ssl.SSLEngine client = context.createSSLEngine();
        client.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        String[] ciphers = client.getEnabledCipherSuites();

        EngineSetup.client(recording(client, given), "mail.example.test", floor);

        assertThat(given).singleElement().isInstanceOfSatisfying(javax.net.ssl.SSLParameters.class, p -> {
            assertThat(p.getCipherSuites()).as("cipher suites left as they are").isNull();
            assertThat(p.getProtocols()).as("no version dropped: the versions left as they are").isNull();
        });
        assertThat(client.getEnabledCipherSuites()).containsExactly(ciphers);
        assertThat(client.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void aServerEngineIsToldOnlyTheVersionsItMustDropAndItsParametersAreNotRead() throws Exception {
        // A server sends no SNI and checks no name: its parameters (a copy of every list) are not worth reading.
        java.util.List<Object> given = new java.util.ArrayList<>();
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, null, null);
        EngineSetup.Floor floor = new EngineSetup.Floor("TLSv1.2", p -> p.equals("TLSv1.2") || p.equals("TLSv1.3"));
        javax.net.ssl.SSLEngine old = context.createSSLEngine();
        old.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1"});
        javax.net.ssl.SSLEngine current = context.createSSLEngine();
        current.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});

        EngineSetup.server(recording(old, given), floor);
        EngineSetup.server(recording(current, given), floor);

        assertThat(given).as("one set of versions, for the engine that had one to drop")
                .singleElement().isEqualTo(java.util.List.of("TLSv1.3", "TLSv1.2"));
        assertThat(old.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(old.getUseClientMode()).isFalse();
    }

    /** Records what an engine is given: its parameters, its versions, and a read of its parameters as "read". */
    private static javax.net.ssl.SSLEngine recording(javax.net.ssl.SSLEngine engine, java.util.List<Object> given) {
        return new org.starttls4j.testing.DelegatingEngine(engine) {
            @Override
            public void setSSLParameters(javax.net.ssl.SSLParameters parameters) {
                given.add(parameters);
                super.setSSLParameters(parameters);
            }

            @Override
            public void setEnabledProtocols(String[] protocols) {
                given.add(java.util.List.of(protocols));
                super.setEnabledProtocols(protocols);
            }

            @Override
            public javax.net.ssl.SSLParameters getSSLParameters() {
                if (!getUseClientMode()) {
                    given.add("read");
                }
                return super.getSSLParameters();
            }
        };
    }

    static java.util.List<String> sniOf(String serverName) throws Exception {
        javax.net.ssl.SSLEngine engine = EngineSetup.client(javax.net.ssl.SSLContext.getDefault().createSSLEngine(), serverName,
                new EngineSetup.Floor("TLSv1.2", p -> p.equals("TLSv1.2") || p.equals("TLSv1.3")));
        java.util.List<javax.net.ssl.SNIServerName> names = engine.getSSLParameters().getServerNames();
        return names == null ? java.util.List.of()
                : names.stream().map(n -> ((javax.net.ssl.SNIHostName) n).getAsciiName()).toList();
    }

    @Property(tries = 3000)
    void theHandCheckAgreesWithTheRegularExpression(@ForAll("addressLike") String name) {
        assertThat(EngineSetup.isIpv4(name)).isEqualTo(IPV4.matcher(name).matches());
    }

    @Provide
    Arbitrary<String> addressLike() {
        return Arbitraries.strings().withChars("0123456789.a٣").ofMaxLength(18);
    }
}
