package org.starttls4j.dane;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.starttls4j.testing.FuzzInput;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.text.Parsed;

/**
 * DANE TLSA records as DNS serves them (RFC 6698, RFC 7671), in wire and presentation form, and
 * their matching against a server's chain. Whatever the records hold: a {@link Parsed}, never an
 * exception; an accepted record reads back as itself from its wire form, its presentation form
 * and the generic form of RFC 3597; {@link DaneVerifier#verify} gives a verdict, never an
 * exception. And matching is exact: a DANE-EE record made from the server's own certificate or
 * key always authenticates it, and the same record with one byte of its data changed never does.
 */
class TlsaFuzzTest {

    private static final Identity SERVER = TestPki.server(Dialect.KEY, Dialect.HOST);
    private static final Set<String> NAMES = Set.of(Dialect.HOST);
    private static final Instant NOW = Instant.now();

    @FuzzTest(maxDuration = "2m")
    void recordsAndMatching(FuzzedDataProvider data) throws Exception {
        List<Tlsa> records = new ArrayList<>();
        if (data.consumeBoolean()) {
            records.add(honest(data, data.consumeBoolean()));
        }
        boolean wire = data.consumeBoolean();
        Parsed<Tlsa, TlsaProblem> parsed = wire ? Tlsa.parseRdata(data.consumeBytes(data.consumeInt(0, 1024)))
                : Tlsa.parsePresentation(FuzzInput.utf8(data, 2048));
        if (parsed instanceof Parsed.Valid<Tlsa, TlsaProblem> valid) {
            Tlsa r = valid.value();
            check(Tlsa.parseRdata(r.toRdata()).equals(valid), "%s does not read back from its RDATA", r);
            check(Tlsa.parsePresentation(r.toPresentation()).equals(valid), "%s does not read back from %s", r, r.toPresentation());
            check(Tlsa.parsePresentation(r.toGeneric()).equals(valid), "%s does not read back from %s", r, r.toGeneric());
            records.add(r);
        }
        DaneVerdict verdict = DaneVerifier.verify(records, NAMES, SERVER.chain(), NOW);
        check(verdict != null, "no verdict");
    }

    /**
     * A DANE-EE record for the server's certificate or key, under the selector and matching type
     * the fuzzer picks, with one byte of its data changed when {@code tampered}; checks the verdict
     * on it alone and returns it.
     */
    private static Tlsa honest(FuzzedDataProvider data, boolean tampered) throws CertificateEncodingException {
        X509Certificate leaf = SERVER.leaf();
        int selector = data.consumeInt(Tlsa.CERT, Tlsa.SPKI);
        int matching = data.consumeInt(Tlsa.FULL, Tlsa.SHA2_512);
        byte[] selected = selector == Tlsa.CERT ? leaf.getEncoded() : leaf.getPublicKey().getEncoded();
        byte[] association = matching == Tlsa.FULL ? selected : digest(matching == Tlsa.SHA2_256 ? "SHA-256" : "SHA-512", selected);
        if (tampered) {
            association[data.consumeInt(0, association.length - 1)] ^= (byte) data.consumeInt(1, 255);
        }
        Tlsa record = ((Parsed.Valid<Tlsa, TlsaProblem>) Tlsa.parseRdata(rdata(Tlsa.DANE_EE, selector, matching, association))).value();
        DaneVerdict alone = DaneVerifier.verify(List.of(record), NAMES, SERVER.chain(), NOW);
        check(alone instanceof DaneVerdict.Authenticated != tampered, "%s record %s gave %s",
                tampered ? "a changed" : "an honest", record, alone);
        return record;
    }

    private static byte[] rdata(int usage, int selector, int matching, byte[] association) {
        byte[] rdata = new byte[3 + association.length];
        rdata[0] = (byte) usage;
        rdata[1] = (byte) selector;
        rdata[2] = (byte) matching;
        System.arraycopy(association, 0, rdata, 3, association.length);
        return rdata;
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }
}
