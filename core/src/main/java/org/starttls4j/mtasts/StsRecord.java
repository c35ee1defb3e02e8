package org.starttls4j.mtasts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.starttls4j.text.Parsed;
import org.starttls4j.internal.text.TxtFields;

/**
 * The {@code _mta-sts.<domain>} TXT record (RFC 8461 §3.1), e.g.
 * {@code v=STSv1; id=20160831085700Z;}. Its {@code id} changes whenever the policy file does, so a
 * sender refetches the policy only when it sees a new one.
 *
 * @param id         1 to 32 letters and digits
 * @param extensions further fields in order, which RFC 8461 says to ignore; kept for display
 */
public record StsRecord(String id, Map<String, String> extensions) {

    /** The longest record text accepted; real records are a few dozen characters. */
    public static final int MAX_LENGTH = 1024;

    private static final String VERSION = "v=STSv1";

    /**
     * Checks the id and copies the extensions, keeping their order.
     *
     * @param id 1 to 32 letters and digits
     * @param extensions further fields in order, which RFC 8461 says to ignore; kept for display
     * @throws IllegalArgumentException if the id is not 1 to 32 letters and digits, or an extension's name or value is not valid
     */
    public StsRecord {
        if (!isId(id)) {
            throw new IllegalArgumentException("not an MTA-STS id: " + Parsed.excerpt(id));
        }
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            if (!TxtFields.isName(e.getKey()) || !TxtFields.isExtensionValue(e.getValue())
                    || e.getKey().equals("v") || e.getKey().equals("id")) {
                throw new IllegalArgumentException("not an extension field: " + Parsed.excerpt(e.getKey()));
            }
        }
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    /**
     * Picks the domain's record among the TXT records found at {@code _mta-sts.<domain>}: those
     * that do not start with {@code v=STSv1;} are discarded, and unless exactly one is left the
     * domain has no policy (RFC 8461 §3.1).
     *
     * @param txtRecords each TXT record's strings joined without separators
     * @return the record, or why there is none
     */
    public static Parsed<StsRecord, StsProblem> select(List<String> txtRecords) {
        List<String> candidates = new ArrayList<>();
        for (String txt : txtRecords) {
            if (startsWithVersion(txt)) {
                candidates.add(txt);
            }
        }
        if (candidates.isEmpty()) {
            return Parsed.invalid(StsProblem.NO_RECORD, "no TXT record starts with v=STSv1");
        }
        if (candidates.size() > 1) {
            return Parsed.invalid(StsProblem.SEVERAL_RECORDS, candidates.size() + " TXT records start with v=STSv1");
        }
        return parse(candidates.get(0));
    }

    /**
     * Parses one record's text.
     *
     * @param text the TXT record's strings joined without separators
     * @return the record, or why it is not one
     */
    public static Parsed<StsRecord, StsProblem> parse(String text) {
        if (text.length() > MAX_LENGTH) {
            return Parsed.invalid(StsProblem.TOO_LONG, "record longer than " + MAX_LENGTH + " characters");
        }
        Optional<List<TxtFields.Field>> split = TxtFields.split(text);
        if (split.isEmpty() || split.get().isEmpty() || !split.get().get(0).equals(new TxtFields.Field("v", "STSv1"))
                || !text.startsWith(VERSION)) {
            return Parsed.invalid(StsProblem.SYNTAX, "not v=STSv1 followed by fields: " + Parsed.excerpt(text));
        }
        String id = null;
        Map<String, String> extensions = new LinkedHashMap<>();
        for (TxtFields.Field f : split.get().subList(1, split.get().size())) {
            boolean repeat = f.name().equals("v") || f.name().equals("id") && id != null;
            if (f.name().equals("id") && !repeat) {
                if (!isId(f.value())) {
                    return Parsed.invalid(StsProblem.BAD_ID, "id is not 1 to 32 letters and digits: " + Parsed.excerpt(f.value()));
                }
                id = f.value();
            } else if (!TxtFields.isExtensionValue(f.value())) {
                return Parsed.invalid(StsProblem.SYNTAX, "bad value for " + Parsed.excerpt(f.name()));
            } else if (!repeat) {
                extensions.putIfAbsent(f.name(), f.value());
            }
            // a repeated v or id is ignored: RFC 8461 §3.2, "all entries except for the first SHALL be ignored"
        }
        if (id == null) {
            return Parsed.invalid(StsProblem.BAD_ID, "no id field");
        }
        return Parsed.valid(new StsRecord(id, extensions));
    }

    /**
     * The record as it is published, e.g. {@code v=STSv1; id=20160831085700Z;}.
     *
     * @return the text, which {@link #parse} reads back to an equal record
     */
    public String toText() {
        StringBuilder s = new StringBuilder(VERSION).append("; id=").append(id).append(';');
        extensions.forEach((name, value) -> s.append(' ').append(name).append('=').append(value).append(';'));
        return s.toString();
    }

    private static boolean startsWithVersion(String txt) {
        if (!txt.startsWith(VERSION)) {
            return false;
        }
        String rest = TxtFields.trimWsp(txt.substring(VERSION.length()));
        return rest.isEmpty() || rest.charAt(0) == ';';
    }

    private static boolean isId(String id) {
        if (id.isEmpty() || id.length() > 32) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (!TxtFields.isAlnum(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
