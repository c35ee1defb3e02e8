package org.starttls4j.tlsrpt;

import java.util.List;

/**
 * The few lines of JSON writing the report needs. Hand-written because the core depends on the
 * JDK alone; the tests read its output back with a real JSON parser.
 */
final class Json {

    private final StringBuilder out = new StringBuilder();
    private boolean first = true;

    Json open() {
        separate();
        out.append('{');
        first = true;
        return this;
    }

    Json close() {
        out.append('}');
        first = false;
        return this;
    }

    Json name(String name) {
        separate();
        string(name);
        out.append(':');
        first = true;
        return this;
    }

    Json value(String value) {
        separate();
        string(value);
        return this;
    }

    Json value(long value) {
        separate();
        out.append(value);
        return this;
    }

    Json openArray() {
        separate();
        out.append('[');
        first = true;
        return this;
    }

    Json closeArray() {
        out.append(']');
        first = false;
        return this;
    }

    Json strings(List<String> values) {
        openArray();
        values.forEach(this::value);
        return closeArray();
    }

    private void separate() {
        if (!first) {
            out.append(',');
        }
        first = false;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c) && !validSurrogateAt(s, i)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** A lone surrogate is escaped so the output stays valid UTF-8 when encoded. */
    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
