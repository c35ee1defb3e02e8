package org.starttls4j.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a certificate names a server (RFC 6125): DNS names with a wildcard only as the whole
 * left-most label, IP addresses against IP entries, and the subject's common name only when the
 * certificate has no DNS names at all (as the JDK's own check does).
 */
final class HostNames {

    private HostNames() {
    }

    static boolean matches(X509Certificate certificate, String name) {
        boolean ip = isIpLiteral(name);
        boolean anyDns = false;
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> entry : certificate.getSubjectAlternativeNames()) {
                    int type = (Integer) entry.get(0);
                    if (!(entry.get(1) instanceof String value)) {
                        continue;
                    }
                    if (type == 2) {
                        anyDns = true;
                        if (!ip && dnsMatches(value, name)) {
                            return true;
                        }
                    } else if (type == 7 && ip && sameAddress(value, name)) {
                        return true;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        if (ip || anyDns) {
            return false;
        }
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && dnsMatches(rdn.getValue().toString(), name)) {
                    return true;
                }
            }
        } catch (InvalidNameException e) {
            return false;
        }
        return false;
    }

    static boolean dnsMatches(String pattern, String name) {
        String p = trimDot(pattern.toLowerCase(Locale.ROOT));
        String n = trimDot(name.toLowerCase(Locale.ROOT));
        if (!p.startsWith("*.")) {
            return p.equals(n);
        }
        int dot = n.indexOf('.');
        return dot > 0 && n.substring(dot).equals(p.substring(1)) && p.substring(2).contains(".");
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static boolean isIpLiteral(String name) {
        return name.matches("[0-9.]+") && name.chars().filter(c -> c == '.').count() == 3 || name.indexOf(':') >= 0;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false; // both are literals: nothing is looked up
        }
    }
}
