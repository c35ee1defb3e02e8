package org.starttls4j.internal.tls;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a certificate names a mail server, by the rules of RFC 6125 as RFC 7817 §3 applies
 * them to mail, and with OpenSSL's verdicts where those rules leave a choice:
 *
 * <ul>
 * <li>A DNS name is compared with the certificate's {@code dNSName} entries, case-insensitively,
 *     both in A-label form (an IDN given as Unicode is converted first; an entry that is not
 *     plain ASCII matches nothing).</li>
 * <li>{@code *} is allowed only as the complete left-most label and matches exactly one
 *     non-empty label: {@code *.example.com} names {@code mx.example.com}, not
 *     {@code example.com} nor {@code a.mx.example.com}. A wildcard followed by a single label
 *     ({@code *.com}), a partial one ({@code m*.example.com}) or one further right
 *     ({@code mail.*.com}) names nothing.</li>
 * <li>The subject's common name counts only when the certificate has no {@code dNSName} entry
 *     at all (RFC 6125 §6.4.4), with the same rules.</li>
 * <li>An IP address is compared only with {@code iPAddress} entries, byte for byte, never with
 *     DNS names or the common name.</li>
 * </ul>
 *
 * <p>The JDK's {@code "HTTPS"} endpoint identification is not used: it follows the web's rules
 * (partial wildcards, a wildcard over a single label), which RFC 7817 does not allow.
 */
public final class HostNames {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostNames() {
    }

    /**
     * Whether {@code certificate} names {@code reference}.
     *
     * @param certificate the server's leaf certificate
     * @param reference   the name the client dialled: a host name (A-label or U-label form,
     *                    with or without a trailing dot) or an IPv4 or IPv6 literal
     * @return true if one of the certificate's identifiers matches
     */
    public static boolean matches(X509Certificate certificate, String reference) {
        Optional<byte[]> address = ipLiteral(reference);
        String name = referenceName(reference); // empty for an address: it matches no DNS identifier
        if (address.isEmpty() && EncodedCertificate.decodesOnDemand(certificate)) {
            // dNSNames read from the encoding, as getSubjectAlternativeNames would give them; without
            // any (the common name counts then) or with names not read there, the getters decide
            String[] dnsNames = EncodedCertificate.of(certificate).dnsNames();
            if (dnsNames != null && dnsNames.length > 0) {
                for (String value : dnsNames) {
                    if (matchesName(value, name)) {
                        return true;
                    }
                }
                return false;
            }
        }
        Collection<List<?>> alternatives;
        try {
            alternatives = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        boolean anyDnsName = false;
        if (alternatives != null) {
            for (List<?> entry : alternatives) {
                if (!(entry.get(0) instanceof Integer type) || !(entry.get(1) instanceof String value)) {
                    continue;
                }
                if (type == SAN_DNS) {
                    anyDnsName = true;
                    if (matchesName(value, name)) {
                        return true;
                    }
                } else if (type == SAN_IP && address.isPresent()) {
                    Optional<byte[]> presented = ipLiteral(value);
                    if (presented.isPresent() && java.util.Arrays.equals(presented.get(), address.get())) {
                        return true;
                    }
                }
            }
        }
        return !anyDnsName && commonNameMatches(certificate, name);
    }

    /**
     * Whether one presented DNS identifier (a {@code dNSName} entry or a common name) matches a
     * reference host name, by the rules above.
     *
     * @param presented the identifier in the certificate, e.g. {@code *.example.com}
     * @param reference the host name the client dialled
     * @return true if it matches
     */
    public static boolean dnsIdMatches(String presented, String reference) {
        return matchesName(presented, referenceName(reference));
    }

    /** {@link #dnsIdMatches} with the reference already in {@link #referenceName}'s form: normalised once per certificate. */
    private static boolean matchesName(String presented, String name) {
        String pattern = presentedName(presented);
        if (name.isEmpty() || pattern == null) {
            return false;
        }
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(name);
        }
        if (!pattern.startsWith("*.") || pattern.lastIndexOf('*') != 0) {
            return false; // a partial wildcard, or one that is not the left-most label
        }
        String parent = pattern.substring(2);
        if (!parent.contains(".")) {
            return false; // *.com: a wildcard over a single label names a whole top-level domain
        }
        // the name less its first label; a name of one label stays whole, and never equals a
        // parent of two labels or more
        return name.substring(name.indexOf('.') + 1).equals(parent);
    }

    /**
     * The reference name in lowercase A-label form without a trailing dot; empty if it is no host
     * name (an IP literal, an empty label, a character no host name has): the empty name matches
     * no presented identifier, which is never empty.
     */
    private static String referenceName(String reference) {
        String name = trimDot(reference);
        if (isLowercaseAsciiName(name)) {
            return name; // what the conversions below would return unchanged, made without them
        }
        if (ipLiteral(name).isPresent()) {
            return "";
        }
        try {
            name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException notAnIdn) {
            return "";
        }
        name = name.toLowerCase(Locale.ROOT);
        return wellFormed(name, false) ? name : "";
    }

    /** A presented identifier in lowercase without a trailing dot; null if it is not a plain ASCII name. */
    private static String presentedName(String presented) {
        String name = trimDot(presented).toLowerCase(Locale.ROOT);
        return wellFormed(name, true) ? name : null;
    }

    /**
     * Whether {@code name} is a well-formed host name already in the form {@link #referenceName}
     * makes (lowercase ASCII, labels of 1 to 63 characters) and no IP literal (it has a letter): the
     * usual reference, which {@code IDN.toASCII} and {@code toLowerCase} would return unchanged.
     */
    private static boolean isLowercaseAsciiName(String name) {
        boolean letter = false;
        int label = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (label == 0) {
                    return false;
                }
                label = 0;
                continue;
            }
            if (++label > 63 || !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
            letter |= c >= 'a' && c <= 'z';
        }
        return letter && label > 0;
    }

    /**
     * Letters, digits, hyphens (and underscores, which real names carry) in non-empty labels. One
     * trailing dot is trimmed before this; a second one is an empty label, as in {@code a..}.
     */
    private static boolean wellFormed(String name, boolean starAllowed) {
        if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '*' && starAllowed;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean commonNameMatches(X509Certificate certificate, String name) {
        for (String cn : commonNames(certificate.getSubjectX500Principal().getEncoded())) {
            if (dnsIdMatches(cn, name)) {
                return true;
            }
        }
        return false;
    }

    /** The CN attribute type, 2.5.4.3, as DER: OBJECT IDENTIFIER, length 3, 55 04 03. */
    private static final byte[] CN_OID = {0x06, 0x03, 0x55, 0x04, 0x03};

    /**
     * The common names in a DER-encoded distinguished name (a SEQUENCE of SETs of
     * SEQUENCE {type, value}), read directly: no LDAP string form to unescape, and no module
     * beyond {@code java.base}. A value that is not a string, or a malformed name, gives nothing.
     */
    static List<String> commonNames(byte[] der) {
        List<String> names = new ArrayList<>();
        try {
            int[] name = header(der, 0);
            for (int set = name[0]; set < name[0] + name[1]; ) {
                int[] rdn = header(der, set);
                for (int attribute = rdn[0]; attribute < rdn[0] + rdn[1]; ) {
                    int[] pair = header(der, attribute);
                    int type = pair[0];
                    if (java.util.Arrays.equals(der, type, type + CN_OID.length, CN_OID, 0, CN_OID.length)) {
                        int[] value = header(der, type + CN_OID.length);
                        String text = string(der[type + CN_OID.length], der, value[0], value[1]);
                        if (text != null) {
                            names.add(text);
                        }
                    }
                    attribute = pair[0] + pair[1];
                }
                set = rdn[0] + rdn[1];
            }
        } catch (ArrayIndexOutOfBoundsException malformed) {
            return List.of();
        }
        return names;
    }

    /** The content's offset and length of the DER element at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int length = der[at + 1] & 0xff;
        int content = at + 2;
        if (length > 0x7f) {
            int octets = length & 0x7f;
            if (octets > 3) {
                throw new ArrayIndexOutOfBoundsException("a name longer than 16 MB");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[content++] & 0xff);
            }
        }
        if (content + length > der.length) {
            throw new ArrayIndexOutOfBoundsException("truncated");
        }
        return new int[] {content, length};
    }

    private static String string(byte tag, byte[] der, int offset, int length) {
        return switch (tag) {
            case 0x0c -> new String(der, offset, length, StandardCharsets.UTF_8); // UTF8String
            case 0x13, 0x16, 0x14 -> new String(der, offset, length, StandardCharsets.ISO_8859_1); // Printable, IA5, Teletex
            case 0x1e -> new String(der, offset, length, StandardCharsets.UTF_16BE); // BMPString
            default -> null;
        };
    }

    /**
     * The address an IP literal stands for: a dotted quad of decimal numbers up to 255 without
     * leading zeros, or an IPv6 literal (with or without brackets). Never a DNS lookup.
     *
     * @param text the text
     * @return the address's bytes (4 or 16), or empty if the text is no IP literal
     */
    public static Optional<byte[]> ipLiteral(String text) {
        if (text.indexOf(':') >= 0) {
            String inner = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            if (inner.isEmpty() || !inner.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                return Optional.empty();
            }
            try {
                // a string with a colon is parsed as an IPv6 literal and never looked up
                return Optional.of(InetAddress.getByName("[" + inner + "]").getAddress());
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return Optional.empty(); // no IPv4 literal: spare the split below
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || part.length() > 1 && part.charAt(0) == '0'
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return Optional.empty();
            }
            address[i] = (byte) value;
        }
        return Optional.of(address);
    }
}
