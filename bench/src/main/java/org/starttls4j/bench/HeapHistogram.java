package org.starttls4j.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code jcmd GC.class_histogram}: live instances and bytes per class. Two of them, one
 * taken with no session held and one with {@code n}, say what each held session retains on the
 * heap, class by class ({@link #perSession}), which is how the scale run names the bytes behind its
 * heap figure.
 *
 * @param classes bytes and instances per class name
 */
record HeapHistogram(Map<String, long[]> classes) {

    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /**
     * Parses the diagnostic command's text; lines that are not class rows are skipped.
     *
     * @param text the histogram as {@code jcmd} prints it
     * @return the histogram
     */
    static HeapHistogram parse(String text) {
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return new HeapHistogram(classes);
    }

    /**
     * The classes that grew most from {@code before} to this histogram, as lines of instances and
     * bytes per session: {@code bytes/session instances/session class}.
     *
     * @param before   the histogram with no session held
     * @param sessions sessions held now, more than before
     * @param lines    how many classes
     * @return the lines, largest growth first, then the total over every class
     */
    String perSession(HeapHistogram before, long sessions, int lines) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : classes.entrySet()) {
            long[] was = before.classes.getOrDefault(e.getKey(), new long[2]);
            long[] delta = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
            total += delta[1];
            grown.add(Map.entry(e.getKey(), delta));
        }
        grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%10s %10s  %s%n", "B/session", "n/session", "class"));
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(lines, grown.size()))) {
            out.append(String.format(Locale.ROOT, "%10.1f %10.2f  %s%n", (double) e.getValue()[1] / sessions,
                    (double) e.getValue()[0] / sessions, e.getKey()));
        }
        out.append(String.format(Locale.ROOT, "%10.1f %10s  (every class)%n", (double) total / sessions, ""));
        return out.toString();
    }
}
