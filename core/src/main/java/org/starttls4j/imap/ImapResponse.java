package org.starttls4j.imap;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One IMAP server response (RFC 9051 §7): whom it is for, its status or data keyword, its
 * response code, and, for a response read after the hand-over by {@link ImapResponseParser}, every
 * line and literal it spans. The negotiation itself counts literals and never keeps them: its
 * responses have one line and no literals.
 *
 * <p>A response with literals arrives as {@code lines[0] literal[0] lines[1] literal[1] … lines[n]}:
 * each line but the last ends with the literal's announcement {@code {size}}, and the next line
 * is what follows the literal's bytes up to the CRLF.
 *
 * @param kind     tagged, untagged status, untagged data, or a continuation request
 * @param tag      the tag of a tagged response; {@code "*"} or {@code "+"} otherwise
 * @param keyword  for status responses the condition ({@code OK NO BAD BYE PREAUTH}), for data
 *                 the keyword ({@code CAPABILITY}, {@code EXISTS} after its number, {@code FETCH}…),
 *                 upper-cased; empty for a continuation request
 * @param code     the response code in brackets, for status responses that carry one
 * @param text     what follows the keyword (and the code) on the first line: human text for status
 *                 responses, the data for data responses (e.g. the capability atoms)
 * @param line     the response's first line as received, for reports; untrusted before TLS
 * @param lines    every line of the response as received, without CRLF, the first being {@code line}
 * @param literals the bytes of each literal, in order, one ISO-8859-1 character per byte (see
 *                 {@link #literalBytes(int)}); one fewer than {@code lines}
 */
public record ImapResponse(Kind kind, String tag, String keyword, Optional<Code> code, String text, String line,
                    List<String> lines, List<String> literals) {

    /**
     * Checks the components and copies the lists.
     *
     * @param kind     tagged, untagged status, untagged data, or a continuation request
     * @param tag      the tag, {@code "*"} or {@code "+"}
     * @param keyword  the condition or data keyword, upper-cased
     * @param code     the response code, if any
     * @param text     what follows the keyword and code on the first line
     * @param line     the first line
     * @param lines    every line, the first being {@code line}
     * @param literals each literal's bytes, one fewer than {@code lines}
     * @throws IllegalArgumentException when the lines and literals do not interleave
     */
    public ImapResponse {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(line, "line");
        lines = List.copyOf(lines);
        literals = List.copyOf(literals);
        if (lines.isEmpty() || !lines.get(0).equals(line) || lines.size() != literals.size() + 1) {
            throw new IllegalArgumentException("lines must start with line and be one more than the literals");
        }
    }

    /** A one-line response without literals, as the negotiation reads them. */
    ImapResponse(Kind kind, String tag, String keyword, Optional<Code> code, String text, String line) {
        this(kind, tag, keyword, code, text, line, List.of(line), List.of());
    }

    /** Which of the three kinds of response (RFC 9051 §2.2.2) this is. */
    public enum Kind {
        /** {@code tag SP (OK / NO / BAD) …}: the completion of the command with that tag. */
        TAGGED,
        /** {@code * SP (OK / NO / BAD / BYE / PREAUTH) …}. */
        UNTAGGED_STATUS,
        /** {@code * SP …} any other untagged data: CAPABILITY, EXISTS, FETCH, LIST… */
        UNTAGGED_DATA,
        /** {@code +}: a command continuation request. */
        CONTINUATION
    }

    /**
     * A response code, {@code [NAME argument]} (RFC 9051 §7.1).
     *
     * @param name     the code's atom, upper-cased ({@code CAPABILITY}, {@code ALERT}, {@code REFERRAL}…)
     * @param argument the text after the name, empty when none
     */
    public record Code(String name, String argument) {
    }

    /**
     * The bytes of literal {@code index}.
     *
     * @param index which literal, from 0
     * @return a fresh copy of its bytes
     * @throws IndexOutOfBoundsException when there is no such literal
     */
    public byte[] literalBytes(int index) {
        return literals.get(index).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** What {@link #parse} made of a line. */
    sealed interface Parsed {
    }

    /** A well-formed response line. */
    record Ok(ImapResponse response) implements Parsed {
    }

    /** A line that is not an IMAP response. */
    record Malformed(String why) implements Parsed {
    }

    /**
     * Whether this is a response of {@code expectedKind} with keyword {@code condition}.
     *
     * @param expectedKind the kind, e.g. {@link Kind#TAGGED}
     * @param condition    the upper-case keyword, e.g. {@code "OK"}
     * @return true when both match
     */
    public boolean is(Kind expectedKind, String condition) {
        return kind == expectedKind && keyword.equals(condition);
    }

    /**
     * The argument of response code {@code name}, if this response carries that code.
     *
     * @param name the code's upper-case atom, e.g. {@code "CAPABILITY"}
     * @return its argument (possibly empty), or empty when the response has no such code
     */
    public Optional<String> codeArgument(String name) {
        return code.isPresent() && code.get().name().equals(name) ? Optional.of(code.get().argument()) : Optional.empty();
    }

    /**
     * Parses the first line of a response, by positions in the line: only what the response keeps
     * is cut out of it (the tag of a tagged response, the text, a code's argument), and the words
     * every negotiation reads ({@code *}, {@code OK}, {@code CAPABILITY}, …) are the same strings
     * each time.
     */
    static Parsed parse(String line) {
        if (line.equals("+") || line.startsWith("+ ")) {
            return new Ok(new ImapResponse(Kind.CONTINUATION, "+", "", Optional.empty(),
                    line.equals("+") ? "" : line.substring(2), line));
        }
        int space = line.indexOf(' ');
        if (space <= 0) {
            return new Malformed("a response needs a tag or '*', a space, and more");
        }
        boolean untagged = space == 1 && line.charAt(0) == '*';
        if (!untagged && !ImapSyntax.isTag(line, 0, space)) {
            return new Malformed("not a tag, '*' or '+'");
        }
        int word = space + 1;
        int wordEnd = end(line, word);
        int after = Math.min(wordEnd + 1, line.length());
        String condition = word(line, word, wordEnd, CONDITIONS);
        boolean state = condition == OK || condition == NO || condition == BAD;
        boolean status = condition != null;
        if (!untagged) {
            if (!state) {
                return new Malformed("a tagged response must be OK, NO or BAD");
            }
            return status(Kind.TAGGED, line.substring(0, space), condition, after, line);
        }
        if (status) {
            return status(Kind.UNTAGGED_STATUS, UNTAGGED, condition, after, line);
        }
        if (wordEnd > word && allDigits(line, word, wordEnd)) {
            // message-data and mailbox-data with a number first: "* 23 EXISTS", "* 1 FETCH (…)".
            word = after;
            wordEnd = end(line, word);
            after = Math.min(wordEnd + 1, line.length());
        }
        if (!ImapSyntax.isAtom(line, word, wordEnd)) {
            return new Malformed("untagged data without a keyword");
        }
        String keyword = word(line, word, wordEnd, DATA);
        return new Ok(new ImapResponse(Kind.UNTAGGED_DATA, UNTAGGED, keyword != null ? keyword : line.substring(word, wordEnd)
                .toUpperCase(Locale.ROOT), Optional.empty(), line.substring(after), line));
    }

    /** {@code resp-text = ["[" resp-text-code "]" SP] [text]} from {@code from} on, leniently allowing no SP after the code. */
    private static Parsed status(Kind kind, String tag, String condition, int from, String line) {
        if (from >= line.length() || line.charAt(from) != '[') {
            return new Ok(new ImapResponse(kind, tag, condition, Optional.empty(), line.substring(from), line));
        }
        int close = line.indexOf(']', from);
        if (close == -1) {
            return new Malformed("a response code without ']'");
        }
        int nameEnd = from + 1;
        while (nameEnd < close && line.charAt(nameEnd) != ' ') {
            nameEnd++;
        }
        if (!ImapSyntax.isAtom(line, from + 1, nameEnd)) {
            return new Malformed("a response code that is not an atom");
        }
        String name = word(line, from + 1, nameEnd, CODES);
        String argument = nameEnd < close ? line.substring(nameEnd + 1, close) : "";
        int text = close + 1 < line.length() && line.charAt(close + 1) == ' ' ? close + 2 : close + 1;
        return new Ok(new ImapResponse(kind, tag, condition, Optional.of(new Code(name != null ? name
                : line.substring(from + 1, nameEnd).toUpperCase(Locale.ROOT), argument)), line.substring(text), line));
    }

    private static final String UNTAGGED = "*";
    private static final String OK = "OK";
    private static final String NO = "NO";
    private static final String BAD = "BAD";
    /** The conditions of status responses (RFC 9051 §7.1), upper case. */
    private static final String[] CONDITIONS = {OK, NO, BAD, "BYE", "PREAUTH"};
    /** The data keyword and response code a negotiation reads, upper case. */
    private static final String[] DATA = {"CAPABILITY"};
    private static final String[] CODES = DATA;

    /** The one of {@code words} that {@code line[start, end)} spells in any ASCII case, or null. */
    private static String word(String line, int start, int end, String[] words) {
        for (String w : words) {
            if (w.length() == end - start && line.regionMatches(true, start, w, 0, w.length())) {
                return w;
            }
        }
        return null;
    }

    /** Where the word starting at {@code from} ends: the next space, or the line's end. */
    private static int end(String line, int from) {
        int space = line.indexOf(' ', from);
        return space == -1 ? line.length() : space;
    }

    private static boolean allDigits(String line, int start, int end) {
        for (int i = start; i < end; i++) {
            if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
