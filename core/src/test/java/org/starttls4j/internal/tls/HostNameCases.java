package org.starttls4j.internal.tls;

import java.util.List;
import org.starttls4j.testing.CertificateVariants.Leaf;

/**
 * The host name cases, each with the verdict RFC 6125 / RFC 7817 §3 gives and the one
 * {@code openssl verify -verify_hostname} (or {@code -verify_ip}) gives with its default flags.
 * They differ only where OpenSSL's defaults are laxer than RFC 7817 (a partial wildcard, which
 * Python's {@code ssl} module refuses like us). {@code docs/CERTIFICATES.md} shows this table.
 */
final class HostNameCases {

    private HostNameCases() {
    }

    /**
     * One case.
     *
     * @param name      what it shows
     * @param leaf      the certificate
     * @param reference the name the client dialled
     * @param opensslReference the same name as OpenSSL is given it (A-labels: it compares bytes)
     * @param expected  RFC 6125 / RFC 7817's verdict, and ours
     * @param openssl   OpenSSL's verdict
     */
    record Case(String name, Leaf leaf, String reference, String opensslReference, boolean expected, boolean openssl) {
        @Override
        public String toString() {
            return name;
        }

        boolean isIp() {
            return HostNames.ipLiteral(opensslReference).isPresent();
        }
    }

    private static Case both(String name, Leaf leaf, String reference, boolean verdict) {
        return new Case(name, leaf, reference, reference, verdict, verdict);
    }

    static List<Case> all() {
        return List.of(
                both("exact name", Leaf.rsa("mail.example.test"), "mail.example.test", true),
                both("case does not matter", Leaf.rsa("MAIL.Example.TEST"), "mail.example.test", true),
                both("another name", Leaf.rsa("other.example.test"), "mail.example.test", false),
                both("any of several names", Leaf.rsa("a.example.test", "mail.example.test"), "mail.example.test", true),
                both("wildcard as the whole left-most label", Leaf.rsa("*.example.test"), "mx.example.test", true),
                both("wildcard does not match the parent", Leaf.rsa("*.example.test"), "example.test", false),
                both("wildcard matches one label only", Leaf.rsa("*.example.test"), "a.mx.example.test", false),
                both("wildcard over a single-label parent (*.test)", Leaf.rsa("*.test"), "mail.test", false),
                both("wildcard not left-most (mail.*.test)", Leaf.rsa("mail.*.test"), "mail.x.test", false),
                new Case("partial wildcard (m*.mail.test): OpenSSL's default allows it, RFC 7817 and Python do not",
                        Leaf.rsa("m*.mail.test"), "mx.mail.test", "mx.mail.test", false, true),
                both("two wildcards", Leaf.rsa("*.*.example.test"), "a.b.example.test", false),
                both("wildcard matching an A-label", Leaf.rsa("*.example.test"), "xn--bcher-kva.example.test", true),
                new Case("IDN dialled as U-label, certificate in A-label", Leaf.rsa("xn--bcher-kva.example.test"),
                        "bücher.example.test", "xn--bcher-kva.example.test", true, true),
                both("IDN dialled as A-label", Leaf.rsa("xn--bcher-kva.example.test"), "xn--bcher-kva.example.test", true),
                both("NUL byte inside a DNS name", Leaf.rsa("mail.example.test\u0000.evil.test"), "mail.example.test", false),
                both("common name when there is no DNS name", Leaf.rsa().withCommonName("mail.example.test"),
                        "mail.example.test", true),
                both("common name ignored beside a DNS name", Leaf.rsa("other.example.test").withCommonName("mail.example.test"),
                        "mail.example.test", false),
                both("common name counts beside only an IP entry", Leaf.rsa().withCommonName("mail.example.test")
                        .withIpAddresses("192.0.2.1"), "mail.example.test", true),
                both("wildcard common name", Leaf.rsa().withCommonName("*.example.test"), "mx.example.test", true),
                both("IPv4 address against an IP entry", Leaf.rsa("mail.example.test").withIpAddresses("127.0.0.1"),
                        "127.0.0.1", true),
                both("IPv4 address against another IP entry", Leaf.rsa("mail.example.test").withIpAddresses("127.0.0.2"),
                        "127.0.0.1", false),
                both("IPv4 address in a DNS entry only", Leaf.rsa("127.0.0.1"), "127.0.0.1", false),
                both("IPv4 address in the common name only", Leaf.rsa().withCommonName("127.0.0.1"), "127.0.0.1", false),
                both("IPv6 address against an IP entry", Leaf.rsa("mail.example.test").withIpAddresses("::1"), "::1", true),
                both("IPv6 address written out in full", Leaf.rsa("mail.example.test").withIpAddresses("::1"),
                        "0:0:0:0:0:0:0:1", true),
                both("host name against an IP entry only", Leaf.rsa().withCommonName("x").withIpAddresses("127.0.0.1"),
                        "mail.example.test", false));
    }

    /** The certificate of a case, issued by the RSA test CA. */
    static java.security.cert.X509Certificate certificate(Case c) {
        return c.leaf().issue().leaf();
    }
}
