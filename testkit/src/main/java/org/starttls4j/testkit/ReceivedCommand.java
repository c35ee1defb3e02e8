package org.starttls4j.testkit;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One line a client sent, as the server received it: credentials and all, since this is a test.
 *
 * @param connection which connection, counted from 1 in the order they were accepted
 * @param layer      whether it arrived in plaintext or inside TLS
 * @param line       the line without its CRLF, bytes as ISO-8859-1 characters
 * @param at         when the server read it
 */
public record ReceivedCommand(int connection, Layer layer, String line, Instant at) {

    /**
     * Checks the components are present.
     *
     * @param connection which connection
     * @param layer the layer it arrived in
     * @param line the line
     * @param at when it was read
     * @throws NullPointerException when one is missing
     */
    public ReceivedCommand {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(at, "at");
    }

    /**
     * The command word, upper case: {@code MAIL} for SMTP and POP3 lines, the word after the tag for
     * IMAP ({@code A1 LOGIN …} gives {@code LOGIN}).
     *
     * @param protocol the protocol the line belongs to
     * @return the verb, or an empty string for an empty line
     */
    public String verb(MailProtocol protocol) {
        String[] words = line.trim().split(" +");
        int index = protocol == MailProtocol.IMAP ? 1 : 0;
        return words.length > index ? words[index].toUpperCase(Locale.ROOT) : "";
    }

    @Override
    public String toString() {
        return "#" + connection + " " + (layer == Layer.TLS ? "[tls]   " : "[plain] ") + "C: " + line;
    }
}
