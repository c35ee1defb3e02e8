package org.starttls4j.mtasts;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.starttls4j.text.Parsed;
import org.starttls4j.tlsrpt.AppliedPolicy;
import org.starttls4j.tlsrpt.PolicyType;
import org.starttls4j.internal.text.TxtFields;

/**
 * An MTA-STS policy file (RFC 8461 §3.2), as served at
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}:
 *
 * <pre>
 * version: STSv1
 * mode: enforce
 * mx: mail.example.com
 * mx: *.example.net
 * max_age: 604800
 * </pre>
 *
 * <p>What {@link #parse} tolerates and refuses, and why:
 * <ul>
 *   <li>Lines end in CRLF or LF; the last may end in neither. Blank lines are skipped (the ABNF
 *       has none, but they do no harm and real policies carry them).</li>
 *   <li>Fields the RFC does not define are ignored, as it says; their values are still checked
 *       against its grammar (no control characters).</li>
 *   <li>{@code version}, {@code mode} or {@code max_age} twice: the first counts and the later
 *       ones are ignored, as RFC 8461 §3.2 says ("all entries except for the first SHALL be
 *       ignored"); a later one must still be a field (a value without control characters).</li>
 *   <li>{@code max_age} above 31557600 (a year, the RFC's maximum) is lowered to it rather than
 *       refused: the policy is still the domain's wish, only for a shorter time.</li>
 *   <li>The body is at most {@link #MAX_BYTES} bytes, strict UTF-8.</li>
 * </ul>
 *
 * @param mode       the mode
 * @param mx         the MX host patterns; may be empty only when the mode is {@link StsMode#NONE}
 * @param maxAge     how long a sender keeps the policy after fetching it, at most a year
 * @param extensions fields the RFC does not define, in order (first occurrence of each name)
 */
public record StsPolicy(StsMode mode, List<MxPattern> mx, Duration maxAge, Map<String, String> extensions) {

    /** The largest policy body read: 64 KiB, far above any real policy (a few hundred bytes). */
    public static final int MAX_BYTES = 64 * 1024;

    /** The largest {@code max_age}: 31557600 seconds (RFC 8461 §3.2). */
    public static final long MAX_AGE_SECONDS = 31_557_600L;

    /**
     * Checks the components and copies the collections.
     *
     * @param mode the mode
     * @param mx the MX host patterns; may be empty only when the mode is {@link StsMode#NONE}
     * @param maxAge how long a sender keeps the policy after fetching it, at most a year
     * @param extensions fields the RFC does not define, in order (first occurrence of each name)
     * @throws IllegalArgumentException if {@code maxAge} is negative or above a year, or an enforcing or testing policy names no MX pattern
     */
    public StsPolicy {
        Objects.requireNonNull(mode, "mode");
        mx = List.copyOf(mx);
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.getSeconds() > MAX_AGE_SECONDS || maxAge.getNano() != 0) {
            throw new IllegalArgumentException("max_age must be whole seconds from 0 to " + MAX_AGE_SECONDS);
        }
        if (mx.isEmpty() && mode != StsMode.NONE) {
            throw new IllegalArgumentException("an " + mode.text() + " policy must name MX hosts");
        }
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            if (!TxtFields.isName(e.getKey()) || KNOWN.contains(e.getKey()) || !isExtensionValue(e.getValue())
                    || !e.getValue().equals(TxtFields.trimWsp(e.getValue()))) {
                throw new IllegalArgumentException("not an extension field: " + Parsed.excerpt(e.getKey()));
            }
        }
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    private static final List<String> KNOWN = List.of("version", "mode", "mx", "max_age");

    /**
     * This policy as the {@code policy} object of a TLS-RPT report (RFC 8460 §4.4). Here rather
     * than in {@code tlsrpt}, so that reporting depends on no policy package and each policy
     * package knows how it is reported.
     *
     * @param domain the recipient domain
     * @return the applied policy
     */
    public AppliedPolicy applied(String domain) {
        return new AppliedPolicy(PolicyType.STS, lines(), domain,
                mx().stream().map(MxPattern::pattern).collect(Collectors.toList()));
    }

    /**
     * Parses a policy body.
     *
     * @param body the HTTP response body
     * @return the policy, or why it is not one
     */
    public static Parsed<StsPolicy, StsProblem> parse(byte[] body) {
        if (body.length > MAX_BYTES) {
            return Parsed.invalid(StsProblem.TOO_LONG, "policy longer than " + MAX_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return Parsed.invalid(StsProblem.NOT_UTF8, "policy is not UTF-8");
        }
        return parse(text);
    }

    /**
     * Parses a policy's text.
     *
     * @param text the body, decoded
     * @return the policy, or why it is not one
     */
    public static Parsed<StsPolicy, StsProblem> parse(String text) {
        if (text.length() > MAX_BYTES) {
            return Parsed.invalid(StsProblem.TOO_LONG, "policy longer than " + MAX_BYTES + " characters");
        }
        String version = null;
        StsMode mode = null;
        Long maxAge = null;
        List<MxPattern> mx = new ArrayList<>();
        Map<String, String> extensions = new LinkedHashMap<>();
        int start = 0;
        while (start < text.length()) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? text.length() : lf;
            String line = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            if (TxtFields.trimWsp(line).isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !TxtFields.isName(line.substring(0, colon))) {
                return Parsed.invalid(StsProblem.SYNTAX, "not a \"name: value\" line: " + Parsed.excerpt(line));
            }
            String name = line.substring(0, colon);
            String value = TxtFields.trimWsp(line.substring(colon + 1));
            if (isRepeatOfSingleField(name, version, mode, maxAge)) {
                // RFC 8461 §3.2: "all entries except for the first SHALL be ignored"
                if (!isExtensionValue(value)) {
                    return Parsed.invalid(StsProblem.SYNTAX, "bad value for " + Parsed.excerpt(name));
                }
                continue;
            }
            switch (name) {
                case "version":
                    version = value;
                    break;
                case "mode":
                    mode = StsMode.fromText(value).orElse(null);
                    if (mode == null) {
                        return Parsed.invalid(StsProblem.BAD_MODE, "mode is not enforce, testing or none: " + Parsed.excerpt(value));
                    }
                    break;
                case "max_age":
                    if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        return Parsed.invalid(StsProblem.BAD_MAX_AGE, "max_age is not 1 to 10 digits: " + Parsed.excerpt(value));
                    }
                    maxAge = Math.min(Long.parseLong(value), MAX_AGE_SECONDS);
                    break;
                case "mx":
                    Parsed<MxPattern, StsProblem> pattern = MxPattern.parse(value);
                    if (pattern instanceof Parsed.Invalid) {
                        return Parsed.invalid(StsProblem.BAD_MX, ((Parsed.Invalid<MxPattern, StsProblem>) pattern).detail());
                    }
                    mx.add(pattern.valid().orElseThrow());
                    break;
                default:
                    if (!isExtensionValue(value)) {
                        return Parsed.invalid(StsProblem.SYNTAX, "bad value for " + Parsed.excerpt(name));
                    }
                    extensions.putIfAbsent(name, value);
            }
        }
        if (!"STSv1".equals(version)) {
            return Parsed.invalid(StsProblem.BAD_VERSION, version == null ? "no version field" : "version is not STSv1: " + Parsed.excerpt(version));
        }
        if (mode == null) {
            return Parsed.invalid(StsProblem.BAD_MODE, "no mode field");
        }
        if (maxAge == null) {
            return Parsed.invalid(StsProblem.BAD_MAX_AGE, "no max_age field");
        }
        if (mx.isEmpty() && mode != StsMode.NONE) {
            return Parsed.invalid(StsProblem.NO_MX, "an " + mode.text() + " policy names no mx");
        }
        return Parsed.valid(new StsPolicy(mode, mx, Duration.ofSeconds(maxAge), extensions));
    }

    /**
     * Whether the policy names {@code mxHost} in one of its {@code mx} patterns.
     *
     * @param mxHost an MX host name
     * @return whether a pattern matches it
     */
    public boolean allows(String mxHost) {
        for (MxPattern p : mx) {
            if (p.matches(mxHost)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The policy as a file, lines ending in CRLF, which {@link #parse} reads back to an equal policy.
     *
     * @return the text
     */
    public String toText() {
        StringBuilder s = new StringBuilder("version: STSv1\r\nmode: ").append(mode.text()).append("\r\n");
        for (MxPattern p : mx) {
            s.append("mx: ").append(p.pattern()).append("\r\n");
        }
        s.append("max_age: ").append(maxAge.getSeconds()).append("\r\n");
        extensions.forEach((name, value) -> s.append(name).append(": ").append(value).append("\r\n"));
        return s.toString();
    }

    /**
     * The policy's lines as TLS-RPT's {@code policy-string} lists them (RFC 8460 §4.4).
     *
     * @return one string per line, without line ends
     */
    public List<String> lines() {
        return List.of(toText().split("\r\n"));
    }

    /** Whether {@code name} is {@code version}, {@code mode} or {@code max_age} and already read. */
    private static boolean isRepeatOfSingleField(String name, String version, StsMode mode, Long maxAge) {
        return name.equals("version") && version != null || name.equals("mode") && mode != null
                || name.equals("max_age") && maxAge != null;
    }

    /** RFC 8461 {@code sts-policy-ext-value}: visible characters (UTF-8 allowed) and inner white space, no controls. */
    private static boolean isExtensionValue(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                return false;
            }
        }
        return true;
    }
}
