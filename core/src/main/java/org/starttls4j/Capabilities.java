package org.starttls4j;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.starttls4j.internal.text.FixedList;
import org.starttls4j.internal.text.SpacedWords;

/**
 * What a server said it can do, in the order it said it. A value: the negotiation never mixes
 * capabilities learned before TLS with those learned after (see {@link Event.CapabilitiesReceived}).
 *
 * @param list the capabilities in announcement order
 */
public record Capabilities(List<Capability> list) {

    /** No capabilities (none asked yet, or the server announced none). */
    public static final Capabilities NONE = new Capabilities(List.of());

    /**
     * Copies the list so the value stays immutable.
     *
     * @param list the capabilities in announcement order
     */
    public Capabilities {
        list = FixedList.copyOf(list);
    }

    /**
     * Capabilities announced one per line, as EHLO (RFC 5321 §4.1.1.1) and CAPA (RFC 2449 §5) do:
     * each line is a keyword and its parameters, separated by spaces. Blank lines are skipped.
     *
     * @param lines the capability lines, without codes or status
     * @return the capabilities, in order
     */
    public static Capabilities fromLines(List<String> lines) {
        return fromLines(lines, 0);
    }

    /**
     * Capabilities announced one per line, each line read from its {@code skip}-th character on:
     * an SMTP reply's lines as they arrived, code and separator included, are read with a skip of
     * 4, without cutting the code off each line first.
     *
     * @param lines the capability lines
     * @param skip  how many characters of every line come before the capability
     * @return the capabilities, in order
     */
    public static Capabilities fromLines(List<String> lines, int skip) {
        return fromLines(lines, 0, skip);
    }

    /**
     * Capabilities announced one per line from the line at {@code first} on (an EHLO reply's
     * first line is the greeting), each read from its {@code skip}-th character on, without a
     * view of the list's tail in between.
     *
     * @param lines the lines
     * @param first the index of the first capability line
     * @param skip  how many characters of every line come before the capability
     * @return the capabilities, in order
     * @throws IndexOutOfBoundsException if {@code first} is negative or more than the lines
     */
    public static Capabilities fromLines(List<String> lines, int first, int skip) {
        Objects.checkFromToIndex(first, lines.size(), lines.size());
        Capability[] parsed = new Capability[lines.size() - first];
        int n = 0;
        for (int i = first; i < lines.size(); i++) {
            Capability capability = parse(lines.get(i), skip);
            if (capability != null) {
                parsed[n++] = capability;
            }
        }
        // Made at its size, and taken by the constructor as it is.
        return new Capabilities(FixedList.of(n == parsed.length ? parsed : Arrays.copyOf(parsed, n)));
    }

    /**
     * Whether {@code keyword} was announced, ignoring ASCII case.
     *
     * @param keyword the capability's keyword, in any case
     * @return whether {@code keyword} was announced, ignoring ASCII case
     */
    public boolean has(String keyword) {
        return first(keyword) != null;
    }

    /**
     * The first capability named {@code keyword}, ignoring ASCII case.
     *
     * @param keyword the capability's keyword, in any case
     * @return the first capability named {@code keyword}, ignoring ASCII case
     */
    public Optional<Capability> find(String keyword) {
        return Optional.ofNullable(first(keyword));
    }

    /**
     * The parameters of {@code keyword}, or an empty list if it was not announced.
     *
     * @param keyword the capability's keyword, in any case
     * @return the parameters of {@code keyword}, or an empty list if it was not announced
     */
    public List<String> parameters(String keyword) {
        Capability found = first(keyword);
        return found == null ? List.of() : found.parameters();
    }

    /**
     * Whether nothing was announced.
     *
     * @return whether nothing was announced
     */
    public boolean isEmpty() {
        return list.isEmpty();
    }

    @Override
    public String toString() {
        return list.toString();
    }

    private Capability first(String keyword) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).is(keyword)) {
                return list.get(i);
            }
        }
        return null;
    }

    /**
     * The capability on {@code line} from {@code from} on: trimmed, split at runs of spaces (by
     * hand, each word cut out once: a regex costs a matcher per line), or null for a blank line.
     */
    private static Capability parse(String line, int from) {
        int start = Math.min(from, line.length());
        int end = line.length();
        while (start < end && line.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && line.charAt(end - 1) <= ' ') {
            end--;
        }
        if (start == end) {
            return null;
        }
        int keywordEnd = wordEnd(line, start, end);
        // The parameters stay in the line until asked for: most are never read.
        List<String> parameters = SpacedWords.of(line, keywordEnd, end);
        if (parameters.isEmpty()) {
            return Capability.keyword(line, start, keywordEnd);
        }
        Capability known = Capability.wellKnown(line, start, keywordEnd);
        return new Capability(known != null ? known.name() : line.substring(start, keywordEnd), parameters);
    }

    private static int wordEnd(String line, int from, int end) {
        int i = from;
        while (i < end && line.charAt(i) != ' ') {
            i++;
        }
        return i;
    }
}
