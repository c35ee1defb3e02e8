package org.starttls4j.mtasts;

import java.util.Locale;
import org.starttls4j.text.Parsed;

/**
 * An {@code mx} line of an MTA-STS policy: a host name, or {@code *.} and a domain, which matches
 * exactly one further leftmost label (RFC 8461 §4.1: {@code *.example.com} matches
 * {@code mx1.example.com} but neither {@code example.com} nor {@code a.b.example.com}).
 *
 * @param pattern the pattern in lower case, without a trailing dot
 */
public record MxPattern(String pattern) {

    /** The longest domain name in text (RFC 1035 §2.3.4 less the final dot). */
    static final int MAX_NAME_LENGTH = 253;

    /**
     * Checks the pattern is valid.
     *
     * @param pattern the pattern in lower case, without a trailing dot
     * @throws IllegalArgumentException if it is not (use {@link #parse} for untrusted text)
     */
    public MxPattern {
        if (!isDomain(pattern.startsWith("*.") ? pattern.substring(2) : pattern)
                || !pattern.equals(pattern.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not a lower-case MX pattern: " + Parsed.excerpt(pattern));
        }
    }

    /**
     * Parses an {@code mx} value: {@code ["*."] Domain} with RFC 5321's {@code Domain}
     * (letters, digits and inner hyphens per label, labels of at most 63 characters).
     *
     * @param text the value
     * @return the pattern, lower-cased, or {@link StsProblem#BAD_MX}
     */
    public static Parsed<MxPattern, StsProblem> parse(String text) {
        if (text.length() > MAX_NAME_LENGTH + 2) {
            return Parsed.invalid(StsProblem.BAD_MX, "mx pattern too long");
        }
        String domain = text.startsWith("*.") ? text.substring(2) : text;
        if (!isDomain(domain)) {
            return Parsed.invalid(StsProblem.BAD_MX, "not a domain name: " + Parsed.excerpt(text));
        }
        return Parsed.valid(new MxPattern(text.toLowerCase(Locale.ROOT)));
    }

    /**
     * Whether this pattern names the MX host {@code host} (case-insensitive; one trailing dot, as
     * DNS answers carry, is ignored).
     *
     * @param host the MX host name
     * @return whether it matches
     */
    public boolean matches(String host) {
        String name = normalise(host);
        if (!isWildcard()) {
            return name.equals(pattern);
        }
        String suffix = pattern.substring(1); // ".example.com"
        int firstDot = name.indexOf('.');
        return firstDot > 0 && name.substring(firstDot).equals(suffix);
    }

    /**
     * Whether this pattern starts with {@code *.}.
     *
     * @return whether it is a wildcard pattern
     */
    public boolean isWildcard() {
        return pattern.startsWith("*.");
    }

    @Override
    public String toString() {
        return pattern;
    }

    /**
     * A host name as compared: lower case, without one trailing dot.
     *
     * @param host the name
     * @return the name as compared
     */
    static String normalise(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return name.toLowerCase(Locale.ROOT);
    }

    /** RFC 5321 {@code Domain}: {@code sub-domain *("." sub-domain)}, Let-dig [Ldh-str] per label. */
    static boolean isDomain(String domain) {
        if (domain.isEmpty() || domain.length() > MAX_NAME_LENGTH) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= domain.length(); i++) {
            if (i == domain.length() || domain.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > 63 || domain.charAt(labelStart) == '-' || domain.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else {
                char c = domain.charAt(i);
                if (!org.starttls4j.internal.text.TxtFields.isAlnum(c) && c != '-') {
                    return false;
                }
            }
        }
        return true;
    }
}
