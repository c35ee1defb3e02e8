package org.starttls4j.internal.text;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The words of a range of a line, separated by runs of spaces, as an unmodifiable list that cuts a
 * word out only when it is asked for. Capability parameters ({@code SIZE 35882577},
 * {@code AUTH PLAIN LOGIN}) are read this way: a negotiation keeps them, an application seldom
 * asks, and a list of strings made per line would cost an array and a string per word. The line
 * is already held (it is the reply the negotiation read), so the view adds one small object.
 */
public final class SpacedWords extends AbstractList<String> implements RandomAccess {

    private final String text;
    private final int start;
    private final int end;
    private final int size;

    private SpacedWords(String text, int start, int end, int size) {
        this.text = text;
        this.start = start;
        this.end = end;
        this.size = size;
    }

    /**
     * The words of {@code text} from {@code start} to {@code end}.
     *
     * @param text  the line
     * @param start where the range begins (spaces before the first word are skipped)
     * @param end   where it ends
     * @return the words, possibly none
     * @throws IndexOutOfBoundsException if the range is not within {@code text}
     */
    public static List<String> of(String text, int start, int end) {
        Objects.checkFromToIndex(start, end, text.length());
        int count = 0;
        for (int i = start; i < end; i++) {
            if (text.charAt(i) != ' ' && (i == start || text.charAt(i - 1) == ' ')) {
                count++;
            }
        }
        return count == 0 ? List.of() : new SpacedWords(text, start, end, count);
    }

    @Override
    public String get(int index) {
        Objects.checkIndex(index, size);
        int i = start;
        for (int w = 0; ; w++) {
            while (text.charAt(i) == ' ') {
                i++;
            }
            int wordEnd = i;
            while (wordEnd < end && text.charAt(wordEnd) != ' ') {
                wordEnd++;
            }
            if (w == index) {
                return text.substring(i, wordEnd);
            }
            i = wordEnd;
        }
    }

    @Override
    public int size() {
        return size;
    }
}
