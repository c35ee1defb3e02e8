package org.starttls4j.tlsrpt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.starttls4j.text.Parsed;
import org.starttls4j.internal.text.TxtFields;

/**
 * The {@code _smtp._tls.<domain>} TXT record (RFC 8460 §3), e.g.
 * {@code v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt}.
 *
 * @param rua        where reports go: {@code mailto:} and {@code https:} URIs, in order (a record's
 *                   URIs of other schemes are left out by {@link #parse})
 * @param extensions further fields in order, which RFC 8460 says to ignore; kept for display
 */
public record TlsRptRecord(List<URI> rua, Map<String, String> extensions) {

    /** The longest record text accepted. */
    public static final int MAX_LENGTH = 4096;

    private static final String VERSION = "v=TLSRPTv1";

    /**
     * Checks the URIs and copies the collections.
     *
     * @param rua where reports go: {@code mailto:} and {@code https:} URIs, in order
     * @param extensions further fields in order, which RFC 8460 says to ignore; kept for display
     * @throws IllegalArgumentException if there is no URI, a URI is neither {@code mailto:} nor {@code https:}, or an extension is not valid
     */
    public TlsRptRecord {
        rua = List.copyOf(rua);
        if (rua.isEmpty() || !rua.stream().allMatch(TlsRptRecord::isReportUri)) {
            throw new IllegalArgumentException("rua needs mailto: or https: URIs");
        }
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            if (!TxtFields.isName(e.getKey()) || !TxtFields.isExtensionValue(e.getValue())
                    || e.getKey().equals("v") || e.getKey().equals("rua")) {
                throw new IllegalArgumentException("not an extension field: " + Parsed.excerpt(e.getKey()));
            }
        }
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    /**
     * Picks the domain's record among the TXT records at {@code _smtp._tls.<domain>}: those not
     * starting with {@code v=TLSRPTv1} are discarded; unless one is left, there is none (§3).
     *
     * @param txtRecords each TXT record's strings joined without separators
     * @return the record, or why there is none
     */
    public static Parsed<TlsRptRecord, TlsRptProblem> select(List<String> txtRecords) {
        List<String> candidates = new ArrayList<>();
        for (String txt : txtRecords) {
            if (txt.startsWith(VERSION) && (txt.length() == VERSION.length()
                    || TxtFields.trimWsp(txt.substring(VERSION.length())).startsWith(";"))) {
                candidates.add(txt);
            }
        }
        if (candidates.isEmpty()) {
            return Parsed.invalid(TlsRptProblem.NO_RECORD, "no TXT record starts with v=TLSRPTv1");
        }
        if (candidates.size() > 1) {
            return Parsed.invalid(TlsRptProblem.SEVERAL_RECORDS, candidates.size() + " TXT records start with v=TLSRPTv1");
        }
        return parse(candidates.get(0));
    }

    /**
     * Parses one record's text.
     *
     * @param text the TXT record's strings joined without separators
     * @return the record, or why it is not one
     */
    public static Parsed<TlsRptRecord, TlsRptProblem> parse(String text) {
        if (text.length() > MAX_LENGTH) {
            return Parsed.invalid(TlsRptProblem.TOO_LONG, "record longer than " + MAX_LENGTH + " characters");
        }
        Optional<List<TxtFields.Field>> split = TxtFields.split(text);
        if (split.isEmpty() || split.get().isEmpty() || !split.get().get(0).equals(new TxtFields.Field("v", "TLSRPTv1"))
                || !text.startsWith(VERSION)) {
            return Parsed.invalid(TlsRptProblem.SYNTAX, "not v=TLSRPTv1 followed by fields: " + Parsed.excerpt(text));
        }
        List<URI> rua = null;
        Map<String, String> extensions = new LinkedHashMap<>();
        for (TxtFields.Field f : split.get().subList(1, split.get().size())) {
            if (f.name().equals("rua")) {
                if (rua != null) {
                    return Parsed.invalid(TlsRptProblem.BAD_RUA, "two rua fields");
                }
                rua = new ArrayList<>();
                for (String raw : f.value().split(",", -1)) {
                    String uriText = TxtFields.trimWsp(raw);
                    URI uri;
                    try {
                        uri = new URI(uriText);
                    } catch (URISyntaxException e) {
                        return Parsed.invalid(TlsRptProblem.BAD_URI, "not a URI: " + Parsed.excerpt(uriText));
                    }
                    if (isOtherScheme(uri)) {
                        // a URI all the same (RFC 8460 §3: tlsrpt-uri = URI), of a scheme senders do not use
                        continue;
                    }
                    if (!isReportUri(uri)) {
                        return Parsed.invalid(TlsRptProblem.BAD_URI, "not a mailto: or https: URI: " + Parsed.excerpt(uriText));
                    }
                    rua.add(uri);
                }
                if (rua.isEmpty()) {
                    return Parsed.invalid(TlsRptProblem.BAD_URI, "no mailto: or https: URI: " + Parsed.excerpt(f.value()));
                }
            } else if (f.name().equals("v")) {
                return Parsed.invalid(TlsRptProblem.SYNTAX, "two v fields");
            } else if (!TxtFields.isExtensionValue(f.value())) {
                return Parsed.invalid(TlsRptProblem.SYNTAX, "bad value for " + Parsed.excerpt(f.name()));
            } else {
                extensions.putIfAbsent(f.name(), f.value());
            }
        }
        if (rua == null) {
            return Parsed.invalid(TlsRptProblem.BAD_RUA, "no rua field");
        }
        return Parsed.valid(new TlsRptRecord(rua, extensions));
    }

    /**
     * The record as it is published.
     *
     * @return the text, which {@link #parse} reads back to an equal record
     */
    public String toText() {
        StringBuilder s = new StringBuilder(VERSION).append("; rua=");
        for (int i = 0; i < rua.size(); i++) {
            s.append(i == 0 ? "" : ",").append(rua.get(i).toString());
        }
        s.append(';');
        extensions.forEach((name, value) -> s.append(' ').append(name).append('=').append(value).append(';'));
        return s.toString();
    }

    /**
     * An absolute URI, in printable ASCII, whose scheme is neither {@code mailto} nor {@code https}:
     * skipped, as a record naming one besides a supported URI is still valid (RFC 8460 §3).
     */
    private static boolean isOtherScheme(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return uri.isAbsolute() && !scheme.equals("mailto") && !scheme.equals("https")
                && uri.toString().chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** {@code mailto:} or {@code https:} with something after the colon, and no character that would break the record. */
    private static boolean isReportUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String text = uri.toString();
        boolean printable = !text.isEmpty() && text.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';' && c != ',');
        if (!printable) {
            return false;
        }
        if (scheme.equals("mailto")) {
            return uri.getSchemeSpecificPart() != null && uri.getSchemeSpecificPart().indexOf('@') > 0;
        }
        return scheme.equals("https") && uri.getHost() != null;
    }
}
