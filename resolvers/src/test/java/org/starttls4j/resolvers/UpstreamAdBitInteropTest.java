package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.dane.TlsaLookup;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * "Authenticated" is computed here, never taken from the upstream: Unbound validates the zone
 * with its key and sets the AD bit, yet a {@link DnssecResolver} that does not hold that key
 * reports the records as insecure, and one that does reports them secure.
 */
@Tag("interop")
class UpstreamAdBitInteropTest {

    static final String TLSA = "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6";

    @TempDir
    Path dir;

    @Test
    void theUpstreamsAdBitIsNotTrusted() throws Exception {
        try (SignedZones zones = new SignedZones(dir.resolve("dns"), List.of(
                SignedZones.Zone.signed("example.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\n_25._tcp.mx IN TLSA " + TLSA + "\n"),
                SignedZones.Zone.signed("other.test", "@ IN MX 10 mx\n")));
             ValidatingUnbound unbound = new ValidatingUnbound(dir.resolve("unbound"), zones, "example.test", "other.test")) {
            // The upstream says "authenticated" ...
            SimpleResolver plain = new SimpleResolver(unbound.address());
            Message query = Message.newQuery(Record.newRecord(Name.fromString("_25._tcp.mx.example.test."), Type.TLSA, DClass.IN));
            query.getHeader().setFlag(Flags.AD);
            assertThat(plain.send(query).getHeader().getFlag(Flags.AD)).isTrue();

            // ... but a resolver trusting only another zone's key cannot check it, so it is insecure here,
            String otherKeyOnly = zones.trustAnchors().lines().filter(l -> l.startsWith("other.test")).findFirst().orElseThrow();
            DnssecResolver withoutTheKey = DnssecResolver.create(unbound.address(), otherKeyOnly, Clock.systemUTC(), Duration.ofSeconds(5));
            assertThat(withoutTheKey.tlsa("mx.example.test", 25)).isEqualTo(new TlsaLookup.Insecure());

            // while one holding the key validates it itself.
            DnssecResolver withTheKey = DnssecResolver.create(unbound.address(), zones.trustAnchors(), Clock.systemUTC(), Duration.ofSeconds(5));
            assertThat(withTheKey.tlsa("mx.example.test", 25)).isInstanceOf(TlsaLookup.Secure.class);
        }
    }
}
