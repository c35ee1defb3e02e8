package org.starttls4j.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.internal.text.FixedList;

/** The few pieces of RFC 9051's grammar (§9) both dialogs need: atoms, tags, capability lists. */
final class ImapSyntax {

    /** atom-specials other than CTL and SP: {@code ( ) { % * " \ ]}. */
    private static final String ATOM_SPECIALS = "(){%*\"\\]";

    private ImapSyntax() {
    }

    /** ATOM-CHAR: any 7-bit printable character except atom-specials. */
    static boolean isAtomChar(char c) {
        return c > 0x20 && c < 0x7f && ATOM_SPECIALS.indexOf(c) < 0;
    }

    /** {@code atom = 1*ATOM-CHAR}. */
    static boolean isAtom(String s) {
        return isAtom(s, 0, s.length());
    }

    /** Whether {@code s[start, end)} is an atom. */
    static boolean isAtom(String s, int start, int end) {
        if (start >= end) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (!isAtomChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code tag = 1*<any ASTRING-CHAR except "+">}, where ASTRING-CHAR is ATOM-CHAR or {@code ]}. */
    static boolean isTag(String s) {
        return isTag(s, 0, s.length());
    }

    /** Whether {@code s[start, end)} is a tag. */
    static boolean isTag(String s, int start, int end) {
        if (start >= end) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == '+' || !(isAtomChar(c) || c == ']')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The capabilities in {@code text}, a space-separated list of atoms as in a CAPABILITY
     * response or response code ({@code IMAP4rev1 STARTTLS AUTH=PLAIN LOGINDISABLED}). Each atom is
     * one {@link Capability} with no parameters. Repeated spaces are tolerated; anything that is
     * not an atom makes the list malformed (empty result).
     */
    static Optional<Capabilities> capabilities(String text) {
        // Two passes by hand, no split: count and check the atoms, then make each one (a
        // well-known atom is the same value every time) into an array of the right size.
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && !isAtomChar(c)) {
                return Optional.empty();
            }
            if (c != ' ' && (i == 0 || text.charAt(i - 1) == ' ')) {
                count++;
            }
        }
        Capability[] list = new Capability[count];
        int n = 0;
        for (int i = 0; n < count; i++) {
            if (text.charAt(i) != ' ') {
                int end = text.indexOf(' ', i);
                end = end == -1 ? text.length() : end;
                list[n++] = Capability.keyword(text, i, end);
                i = end;
            }
        }
        return Optional.of(new Capabilities(FixedList.of(list)));
    }

    /** {@code capabilities} as a space-separated list, as a CAPABILITY response carries it. */
    static String render(Capabilities capabilities) {
        List<String> words = new ArrayList<>();
        for (Capability c : capabilities.list()) {
            words.add(c.toString());
        }
        return String.join(" ", words);
    }
}
