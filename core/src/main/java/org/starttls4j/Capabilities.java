package org.starttls4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a server said it can do, in the order it said it. A value: the negotiation never mixes
 * capabilities learned before TLS with those learned after (see {@link Event.CapabilitiesReceived}).
 *
 * @param list the capabilities in announcement order
 */
public record Capabilities(List<Capability> list) {

    /** No capabilities (none asked yet, or the server announced none). */
    public static final Capabilities NONE = new Capabilities(List.of());

    /** Copies the list so the value stays immutable. */
    public Capabilities {
        list = List.copyOf(list);
    }

    /**
     * Capabilities announced one per line, as EHLO (RFC 5321 §4.1.1.1) and CAPA (RFC 2449 §5) do:
     * each line is a keyword and its parameters, separated by spaces. Blank lines are skipped.
     *
     * @param lines the capability lines, without codes or status
     * @return the capabilities, in order
     */
    public static Capabilities fromLines(List<String> lines) {
        List<Capability> parsed = new ArrayList<>(lines.size());
        for (String line : lines) {
            String[] words = words(line);
            if (words.length > 0) {
                parsed.add(new Capability(words[0], List.of(Arrays.copyOfRange(words, 1, words.length))));
            }
        }
        return new Capabilities(parsed);
    }

    /** Whether {@code keyword} was announced, ignoring ASCII case. */
    public boolean has(String keyword) {
        return first(keyword) != null;
    }

    /** The first capability named {@code keyword}, ignoring ASCII case. */
    public Optional<Capability> find(String keyword) {
        return Optional.ofNullable(first(keyword));
    }

    /** The parameters of {@code keyword}, or an empty list if it was not announced. */
    public List<String> parameters(String keyword) {
        Capability found = first(keyword);
        return found == null ? List.of() : found.parameters();
    }

    /** Whether nothing was announced. */
    public boolean isEmpty() {
        return list.isEmpty();
    }

    @Override
    public String toString() {
        return list.toString();
    }

    private Capability first(String keyword) {
        for (Capability c : list) {
            if (c.is(keyword)) {
                return c;
            }
        }
        return null;
    }

    /** The words of {@code line}, trimmed, split at runs of spaces (by hand: a regex costs a matcher per line). */
    private static String[] words(String line) {
        String trimmed = line.trim();
        String[] words = new String[count(trimmed)];
        int i = 0;
        for (int w = 0; w < words.length; w++) {
            int start = i;
            while (i < trimmed.length() && trimmed.charAt(i) != ' ') {
                i++;
            }
            words[w] = trimmed.substring(start, i);
            while (i < trimmed.length() && trimmed.charAt(i) == ' ') {
                i++;
            }
        }
        return words;
    }

    /** The number of words in a trimmed line: one more than its runs of spaces, none if it is empty. */
    private static int count(String trimmed) {
        int words = trimmed.isEmpty() ? 0 : 1;
        for (int i = 1; i < trimmed.length(); i++) {
            if (trimmed.charAt(i) == ' ' && trimmed.charAt(i - 1) != ' ') {
                words++;
            }
        }
        return words;
    }
}
