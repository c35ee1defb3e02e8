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
     * Splits {@code line} at its first space.
     *
     * @param line a command line without CRLF
     * @return its name and arguments
     */
    public static CommandLine parse(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? new CommandLine(line.toUpperCase(Locale.ROOT), "")
                : new CommandLine(line.substring(0, space).toUpperCase(Locale.ROOT), line.substring(space + 1).trim());
    }

    /**
     * Whether anything follows the name.
     *
     * @return whether the arguments are not empty
     */
    public boolean hasArguments() {
        return !arguments.isEmpty();
    }
}
