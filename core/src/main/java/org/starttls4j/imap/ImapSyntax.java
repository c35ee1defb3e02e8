package org.starttls4j.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;

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
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isAtomChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code tag = 1*<any ASTRING-CHAR except "+">}, where ASTRING-CHAR is ATOM-CHAR or {@code ]}. */
    static boolean isTag(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
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
        List<Capability> list = new ArrayList<>();
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!isAtom(word)) {
                return Optional.empty();
            }
            list.add(new Capability(word, List.of()));
        }
        return Optional.of(new Capabilities(list));
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
