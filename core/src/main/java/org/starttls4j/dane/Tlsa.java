package org.starttls4j.dane;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.List;
import java.util.stream.Collectors;
import org.starttls4j.text.Parsed;
import org.starttls4j.tlsrpt.AppliedPolicy;
import org.starttls4j.tlsrpt.PolicyType;

/**
 * A TLSA record's data (RFC 6698 §2.1): certificate usage, selector, matching type and the
 * certificate association data. Any well-formed record can be held, usable or not; see
 * {@link #unusable()}.
 *
 * @param usage        0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector     0 the whole certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 the data itself, 1 its SHA-256, 2 its SHA-512
 * @param data         the certificate association data (copied in and out)
 */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {

    /** DANE-TA(2): the server's chain must lead to the certificate or key this record names. */
    public static final int DANE_TA = 2;
    /** DANE-EE(3): the server's own certificate or key is the one this record names. */
    public static final int DANE_EE = 3;
    /** Cert(0): the record names a whole certificate. */
    public static final int CERT = 0;
    /** SPKI(1): the record names a public key. */
    public static final int SPKI = 1;
    /** Full(0): the record holds the certificate or key itself. */
    public static final int FULL = 0;
    /** SHA2-256(1). */
    public static final int SHA2_256 = 1;
    /** SHA2-512(2). */
    public static final int SHA2_512 = 2;

    /** The largest RDATA a DNS record can carry. */
    public static final int MAX_RDATA = 65535;

    /**
     * Checks the fields and copies the data.
     *
     * @param usage 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
     * @param selector 0 the whole certificate, 1 its SubjectPublicKeyInfo
     * @param matchingType 0 the data itself, 1 its SHA-256, 2 its SHA-512
     * @param data the certificate association data (copied in and out)
     * @throws IllegalArgumentException if a field is outside 0 to 255 or the data is empty
     */
    public Tlsa {
        if ((usage | selector | matchingType) >>> 8 != 0) {
            throw new IllegalArgumentException("TLSA fields are single octets");
        }
        if (data.length == 0 || data.length > MAX_RDATA - 3) {
            throw new IllegalArgumentException("TLSA data must be 1 to " + (MAX_RDATA - 3) + " bytes");
        }
        data = data.clone();
    }

    /**
     * The certificate association data.
     *
     * @return a copy of it
     */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Shared, uncopied, for matching inside the package. */
    byte[] dataView() {
        return data;
    }

    /**
     * Parses the presentation form (RFC 6698 §2.2), e.g.
     * {@code 3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6}: three
     * decimal fields and hexadecimal data, which may be split by white space. The generic form of
     * RFC 3597 ({@code \# 35 0301...}, see {@link #toGeneric()}) is read too, as zone files and
     * tools that predate TLSA write it.
     *
     * @param text the record's data in presentation form
     * @return the record, or why it is not one
     */
    public static Parsed<Tlsa, TlsaProblem> parsePresentation(String text) {
        if (text.length() > 2 * MAX_RDATA + 64) {
            return Parsed.invalid(TlsaProblem.TOO_LONG, "presentation longer than any TLSA record");
        }
        String stripped = text.strip();
        if (stripped.startsWith("\\#")) {
            return parseGeneric(stripped);
        }
        String[] parts = stripped.split("[ \\t\\r\\n]+", 4);
        if (parts.length < 3 || parts[0].isEmpty()) {
            return Parsed.invalid(TlsaProblem.SYNTAX, "not usage selector type data: " + Parsed.excerpt(text));
        }
        if (parts.length < 4) {
            return Parsed.invalid(TlsaProblem.NO_DATA, "no certificate association data");
        }
        int[] fields = new int[3];
        for (int i = 0; i < 3; i++) {
            String f = parts[i];
            if (f.length() > 3 || !f.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Parsed.invalid(TlsaProblem.SYNTAX, "not a decimal field: " + Parsed.excerpt(f));
            }
            fields[i] = Integer.parseInt(f);
            if (fields[i] > 255) {
                return Parsed.invalid(TlsaProblem.FIELD_OUT_OF_RANGE, "field above 255: " + f);
            }
        }
        String hex = parts[3].replaceAll("[ \\t\\r\\n]+", "");
        if (hex.length() % 2 != 0 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
            return Parsed.invalid(TlsaProblem.BAD_HEX, "data is not hexadecimal octets: " + Parsed.excerpt(hex));
        }
        if (hex.length() / 2 > MAX_RDATA - 3) {
            return Parsed.invalid(TlsaProblem.TOO_LONG, "data longer than any TLSA record");
        }
        return Parsed.valid(new Tlsa(fields[0], fields[1], fields[2], HexFormat.of().parseHex(hex)));
    }

    /**
     * The generic form of RFC 3597 §5, {@code \# <length> <hex RDATA>}, which zone files and tools
     * use for types they do not know (e.g. {@code \# 35 03010100...}): the length in decimal, then
     * exactly that many octets of RDATA in hexadecimal, which may be split by white space.
     */
    private static Parsed<Tlsa, TlsaProblem> parseGeneric(String text) {
        String[] parts = text.substring(2).strip().split("[ \\t\\r\\n]+", 2);
        String length = parts[0];
        if (length.isEmpty() || length.length() > 5 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Parsed.invalid(TlsaProblem.SYNTAX, "not \\# length data: " + Parsed.excerpt(text));
        }
        int declared = Integer.parseInt(length);
        String hex = parts.length < 2 ? "" : parts[1].replaceAll("[ \\t\\r\\n]+", "");
        if (hex.length() % 2 != 0 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
            return Parsed.invalid(TlsaProblem.BAD_HEX, "RDATA is not hexadecimal octets: " + Parsed.excerpt(hex));
        }
        if (hex.length() / 2 != declared) {
            return Parsed.invalid(TlsaProblem.LENGTH_MISMATCH, "the generic form announces " + declared
                    + " octets of RDATA, the data has " + hex.length() / 2);
        }
        return parseRdata(HexFormat.of().parseHex(hex));
    }

    /**
     * One MX host's TLSA records as the {@code policy} object of a TLS-RPT report (RFC 8460
     * §4.4). Here rather than in {@code tlsrpt}, so that reporting depends on no policy package.
     *
     * @param domain  the recipient domain
     * @param mxHost  the MX host whose records they are
     * @param records the TLSA RRset
     * @return the applied policy
     */
    public static AppliedPolicy applied(String domain, String mxHost, List<Tlsa> records) {
        return new AppliedPolicy(PolicyType.TLSA, records.stream().map(Tlsa::toPresentation).collect(Collectors.toList()),
                domain, List.of(mxHost));
    }

    /**
     * Parses the wire form, the record's RDATA (RFC 6698 §2.1): one octet each for usage,
     * selector and matching type, then the data.
     *
     * @param rdata the RDATA
     * @return the record, or why it is not one
     */
    public static Parsed<Tlsa, TlsaProblem> parseRdata(byte[] rdata) {
        if (rdata.length > MAX_RDATA) {
            return Parsed.invalid(TlsaProblem.TOO_LONG, "RDATA longer than 65535 bytes");
        }
        if (rdata.length < 3) {
            return Parsed.invalid(TlsaProblem.TRUNCATED, "RDATA shorter than its three fields");
        }
        if (rdata.length == 3) {
            return Parsed.invalid(TlsaProblem.NO_DATA, "no certificate association data");
        }
        return Parsed.valid(new Tlsa(rdata[0] & 0xff, rdata[1] & 0xff, rdata[2] & 0xff, Arrays.copyOfRange(rdata, 3, rdata.length)));
    }

    /**
     * The presentation form, data in upper-case hexadecimal as zone files usually carry it.
     *
     * @return e.g. {@code "3 1 1 0C72AC70..."}
     */
    public String toPresentation() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data).toUpperCase(Locale.ROOT);
    }

    /**
     * The generic presentation form of RFC 3597 §5, as {@link #parsePresentation} also reads it.
     *
     * @return e.g. {@code "\# 35 030101..."}: the RDATA length, then the RDATA in upper-case hexadecimal
     */
    public String toGeneric() {
        return "\\# " + (3 + data.length) + " " + HexFormat.of().formatHex(toRdata()).toUpperCase(Locale.ROOT);
    }

    /**
     * The wire form.
     *
     * @return the RDATA
     */
    public byte[] toRdata() {
        byte[] rdata = new byte[3 + data.length];
        rdata[0] = (byte) usage;
        rdata[1] = (byte) selector;
        rdata[2] = (byte) matchingType;
        System.arraycopy(data, 0, rdata, 3, data.length);
        return rdata;
    }

    /**
     * Why an SMTP client cannot use this record (RFC 7672 §3.1), or empty when it can.
     *
     * @return the reason, or empty for a usable record
     */
    public Optional<Unusable> unusable() {
        if (usage == 0 || usage == 1) {
            return Optional.of(Unusable.PKIX_USAGE);
        }
        if (usage != DANE_TA && usage != DANE_EE) {
            return Optional.of(Unusable.UNKNOWN_USAGE);
        }
        if (selector != CERT && selector != SPKI) {
            return Optional.of(Unusable.UNKNOWN_SELECTOR);
        }
        if (matchingType == SHA2_256 && data.length != 32 || matchingType == SHA2_512 && data.length != 64) {
            return Optional.of(Unusable.BAD_DIGEST_LENGTH);
        }
        if (matchingType != FULL && matchingType != SHA2_256 && matchingType != SHA2_512) {
            return Optional.of(Unusable.UNKNOWN_MATCHING_TYPE);
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlsa && ((Tlsa) o).usage == usage && ((Tlsa) o).selector == selector
                && ((Tlsa) o).matchingType == matchingType && Arrays.equals(((Tlsa) o).data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(usage, selector, matchingType, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        String p = toPresentation();
        return "TLSA " + (p.length() > 90 ? p.substring(0, 90) + "…" : p);
    }
}
