package org.starttls4j.internal.text;

import java.util.List;

/**
 * An immutable list of lines that grows at its end by one small link per line, for readers that
 * assemble multi-line replies and must stay immutable (an old reader fed again gives the same
 * answer). Copying a list per line instead would cost time and memory quadratic in the lines.
 * The empty chain is {@code null}; the list of a chain is built once, at its size ({@link FixedList}).
 *
 * @param last   the newest line
 * @param before the lines before it, or null
 * @param size   how many lines, this one included
 */
public record LineChain(String last, LineChain before, int size) {

    /**
     * The chain {@code chain} with {@code line} after its end ({@code chain} may be null).
     *
     * @param chain a chain, or null for none so far, or null for none
     * @param line  the line to add
     * @return the chain {@code chain} with {@code line} after its end ({@code chain} may be null)
     */
    public static LineChain append(LineChain chain, String line) {
        return new LineChain(line, chain, size(chain) + 1);
    }

    /**
     * The number of lines in {@code chain} (null is empty).
     *
     * @param chain a chain, or null for none
     * @return the number of lines in {@code chain} (null is empty)
     */
    public static int size(LineChain chain) {
        return chain == null ? 0 : chain.size();
    }

    /**
     * The lines of {@code chain}, oldest first, as an unmodifiable list.
     *
     * @param chain a chain, or null for none
     * @return the lines of {@code chain}, oldest first, as an unmodifiable list
     */
    public static List<String> toList(LineChain chain) {
        String[] all = new String[size(chain)];
        for (LineChain c = chain; c != null; c = c.before()) {
            all[c.size() - 1] = c.last();
        }
        return FixedList.of(all);
    }
}
