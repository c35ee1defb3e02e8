package org.starttls4j.testkit.internal;

import org.starttls4j.text.Literal;

/**
 * A command whose strings may be literals (IMAP, RFC 9051 §4.3; ManageSieve, RFC 5804 §4), read
 * line by line: a line ending in {@code {n}} or {@code {n+}} announces n octets, after which the
 * same command goes on, on the rest of the line that holds the literal's last octet (possibly
 * announcing another). Each literal's content stands in the command as a quoted string, so that the
 * conversation parses one line. What the server answers on the way (a continuation request, a
 * refusal of a literal too big) is the conversation's. Mutable, one per connection, like the
 * conversation that holds it.
 */
final class LiteralCommand {

    /** The most content characters kept of one literal; a longer literal is counted and dropped. */
    private final int keep;
    /** The command so far, each literal's content written as a quoted string; null between commands. */
    private StringBuilder command;
    /** The literal being read, or null. */
    private Literal literal;
    /** Its content so far, or null once it outgrew {@link #keep}. */
    private StringBuilder content;

    LiteralCommand(int keep) {
        this.keep = keep;
    }

    /** Whether a literal is being read: the next line is its content, not a command. */
    boolean readingLiteral() {
        return literal != null;
    }

    /** The whole command, {@code part} (which announces no literal) its last part; the next line starts another. */
    String finish(String part) {
        String whole = command == null ? part : command.append(part).toString();
        command = null;
        return whole;
    }

    /** The command so far with {@code part} up to the literal it announces. */
    String head(String part) {
        String head = part.substring(0, part.lastIndexOf('{'));
        return command == null ? head : command + head;
    }

    /** Reads a literal of {@code size} octets next, after {@code head} (see {@link #head}). */
    void startLiteral(String head, long size) {
        command = new StringBuilder(head);
        literal = new Literal(size);
        content = new StringBuilder();
    }

    /**
     * A line while {@link #readingLiteral()}: its content is kept (up to {@link #keep}); where the
     * literal ends, the rest of the line is the conversation's to go on with, and after a
     * {@link Literal.Split} the command's framing is broken (see {@link #abandon()}).
     */
    Literal.Advance read(String line) {
        Literal.Advance advance = literal.advance(line);
        if (advance instanceof Literal.Inside inside) {
            keep(line);
            keep("\r\n");
            literal = inside.next();
            return advance;
        }
        literal = null;
        if (advance instanceof Literal.Ended ended) {
            keep(line.substring(0, line.length() - ended.rest().length()));
        }
        return advance;
    }

    private void keep(String text) {
        if (content != null) {
            content = content.length() + text.length() > keep ? null : content.append(text);
        }
    }

    /** The content of the literal just read, or "" if it outgrew {@link #keep}; taken once. */
    String content() {
        String text = content == null ? "" : content.toString();
        content = null;
        return text;
    }

    /** Writes the literal just read into the command as a quoted string, which the rest of the command follows. */
    void quoteContent() {
        command.append('"').append(content().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }

    /** Drops the command and any literal: returns the command so far ("" if none). */
    String abandon() {
        String sofar = command == null ? "" : command.toString();
        command = null;
        literal = null;
        content = null;
        return sofar;
    }
}
