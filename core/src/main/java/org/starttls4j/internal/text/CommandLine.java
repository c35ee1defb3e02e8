package org.starttls4j.internal.text;

import java.util.Locale;

/**
 * A command line of the untagged text protocols (SMTP, LMTP, POP3, NNTP, ManageSieve) split the
 * way each of their server dialogs reads it: the command's name, the first word in upper case, and
 * what follows its first space, trimmed.
 *
 * @param name      the command's name in upper case
 * @param arguments the rest of the line, trimmed; empty when there is none
 */
public record CommandLine(String name, String arguments) {

    /**
     * Splits {@code line} at its first space. The names the negotiations answer are the same
     * strings each time, and the arguments are cut out once, already trimmed.
     *
     * @param line a command line without CRLF
     * @return its name and arguments
     */
    public static CommandLine parse(String line) {
        int space = line.indexOf(' ');
        int nameEnd = space < 0 ? line.length() : space;
        String name = null;
        for (String known : NAMES) {
            if (known.length() == nameEnd && line.regionMatches(true, 0, known, 0, nameEnd)) {
                name = known;
                break;
            }
        }
        if (name == null) {
            name = line.substring(0, nameEnd).toUpperCase(Locale.ROOT);
        }
        if (space < 0) {
            return new CommandLine(name, "");
        }
        // String.trim's bounds, without the intermediate substring.
        int start = space + 1;
        int end = line.length();
        while (start < end && line.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && line.charAt(end - 1) <= ' ') {
            end--;
        }
        return new CommandLine(name, line.substring(start, end));
    }

    /** The commands the server dialogs answer or hand over (SMTP, LMTP, POP3, NNTP, ManageSieve), upper case. */
    private static final String[] NAMES = {"EHLO", "HELO", "LHLO", "STARTTLS", "STLS", "CAPA", "CAPABILITIES", "NOOP", "RSET",
        "QUIT", "HELP", "MAIL", "RCPT", "DATA", "AUTH", "USER", "PASS", "LOGOUT", "AUTHENTICATE"};

    /**
     * Whether anything follows the name.
     *
     * @return whether the arguments are not empty
     */
    public boolean hasArguments() {
        return !arguments.isEmpty();
    }
}
