package org.starttls4j.internal.tls;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.starttls4j.testing.FuzzInput;
import org.starttls4j.testing.DelegatingCertificate;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.TestPki;

/**
 * The host name check ({@link HostNames}) and the DER reading behind it
 * ({@link EncodedCertificate}), on what a server presents: names and certificate encodings of the
 * fuzzer's choice. No exception, whatever the input, and:
 *
 * <ul>
 *   <li>a reference name matches the same with or without a trailing dot, and in any ASCII case;
 *       a presented name in any ASCII case;
 *   <li>an IP literal is 4 or 16 bytes;
 *   <li>the {@code dNSName}s read from an encoding, when read at all, are the JDK's reading of
 *       the same bytes (when the JDK accepts them), in order.
 * </ul>
 */
class HostNamesFuzzTest {

    private static final X509Certificate LEAF = TestPki.server(Dialect.KEY, Dialect.HOST).leaf();
    private static final CertificateFactory X509 = x509();

    @FuzzTest(maxDuration = "2m")
    void namesAndEncodings(FuzzedDataProvider data) {
        String presented = FuzzInput.utf8(data, 300);
        String reference = FuzzInput.utf8(data, 300);
        boolean matches = HostNames.dnsIdMatches(presented, reference);
        if (!reference.endsWith(".")) {
            check(HostNames.dnsIdMatches(presented, reference + ".") == matches, "%s matches %s, but not with a trailing dot (or the reverse)",
                    presented, reference);
        }
        check(HostNames.dnsIdMatches(presented, asciiUpper(reference)) == matches, "%s: the reference's case changes the verdict on %s",
                presented, reference);
        check(HostNames.dnsIdMatches(asciiUpper(presented), reference) == matches, "%s: the presented name's case changes the verdict on %s",
                reference, presented);
        Optional<byte[]> ip = HostNames.ipLiteral(reference);
        check(ip.isEmpty() || ip.get().length == 4 || ip.get().length == 16, "an address of %d bytes", ip.map(b -> b.length).orElse(0));

        byte[] der = data.consumeRemainingAsBytes();
        X509Certificate encoded = new DelegatingCertificate(LEAF) {
            private static final long serialVersionUID = 1L;

            @Override
            public byte[] getEncoded() {
                return der.clone();
            }
        };
        EncodedCertificate read = EncodedCertificate.of(encoded);
        check(read.keyBits() >= EncodedCertificate.UNKNOWN_KEY, "key bits %d", read.keyBits());
        String[] names = read.dnsNames();
        if (names != null) {
            List<String> jdk = jdkDnsNames(der);
            if (jdk != null) {
                check(jdk.equals(Arrays.asList(names)), "read %s where the JDK reads %s", Arrays.toString(names), jdk);
            }
        }
        HostNames.matches(encoded, reference);
    }

    /** The JDK's dNSNames of {@code der}, or null when the JDK does not take it as a certificate. */
    private static List<String> jdkDnsNames(byte[] der) {
        try {
            X509Certificate c = (X509Certificate) X509.generateCertificate(new ByteArrayInputStream(der));
            Collection<List<?>> alternatives = c.getSubjectAlternativeNames();
            List<String> names = new ArrayList<>();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (Integer.valueOf(2).equals(entry.get(0))) {
                        names.add((String) entry.get(1));
                    }
                }
            }
            return names;
        } catch (CertificateException | RuntimeException notACertificate) {
            return null;
        }
    }

    private static String asciiUpper(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        return b.toString();
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(Locale.ROOT, format, args));
        }
    }
}
