package org.starttls4j.probe;

import java.util.Map;

/**
 * ANSI colour, used only on a terminal: when the JVM has a console and neither {@code NO_COLOR}
 * (https://no-color.org) nor {@code TERM=dumb} says otherwise.
 */
final class Style {

    /** Colour off, for pipes, files and tests. */
    static final Style PLAIN = new Style(false);

    private final boolean colour;

    private Style(boolean colour) {
        this.colour = colour;
    }

    /** The style for this process's standard output. */
    static Style detect() {
        return detect(System.console() != null, System.getenv());
    }

    /** The style for a console (or not) and an environment. */
    static Style detect(boolean console, Map<String, String> environment) {
        String noColor = environment.get("NO_COLOR");
        boolean off = (noColor != null && !noColor.isEmpty()) || "dumb".equals(environment.get("TERM"));
        return new Style(console && !off);
    }

    boolean colour() {
        return colour;
    }

    String good(String text) {
        return paint("32", text);
    }

    String bad(String text) {
        return paint("31;1", text);
    }

    String warn(String text) {
        return paint("33", text);
    }

    String dim(String text) {
        return paint("2", text);
    }

    String bold(String text) {
        return paint("1", text);
    }

    private String paint(String code, String text) {
        return colour ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
