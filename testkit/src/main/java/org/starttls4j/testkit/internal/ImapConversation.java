package org.starttls4j.testkit.internal;

import java.util.List;
import java.util.Locale;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.Recording;

/** IMAP after the negotiation, against an empty INBOX: see {@link Conversation}. */
final class ImapConversation extends Conversation {

    private enum Stage { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED }

    private Stage stage = Stage.NOT_AUTHENTICATED;
    private String authenticating; // the tag of an AUTHENTICATE awaiting its response line

    ImapConversation(Recording recording, int connection, Layer layer, Profile profile) {
        super(recording, connection, layer, profile);
    }

    @Override
    public Answer onLine(String line) {
        record(line);
        if (authenticating != null) {
            String tag = authenticating;
            authenticating = null;
            if (line.equals("*")) {
                return Answer.of(tag + " BAD AUTHENTICATE cancelled\r\n");
            }
            if (!plain("AUTHENTICATE PLAIN", line)) {
                return Answer.of(tag + " BAD Cannot decode the response\r\n");
            }
            stage = Stage.AUTHENTICATED;
            return Answer.of(tag + " OK AUTHENTICATE completed\r\n");
        }
        int space = line.indexOf(' ');
        if (space <= 0) {
            return Answer.of("* BAD Missing command\r\n");
        }
        String tag = line.substring(0, space);
        String rest = line.substring(space + 1);
        if (rest.endsWith("}")) {
            return Answer.of(tag + " BAD Literals are not supported by this test server\r\n");
        }
        String verb = verb(rest);
        String arg = argument(rest);
        if (verb.equals("UID")) {
            verb = verb(arg);
            arg = argument(arg);
        }
        switch (verb) {
            case "CAPABILITY":
                return Answer.of("* CAPABILITY " + capabilities() + "\r\n" + tag + " OK CAPABILITY completed\r\n");
            case "NOOP":
            case "CHECK":
            case "ENABLE":
                return ok(tag, verb);
            case "LOGIN": {
                List<String> words = imapArguments(arg);
                if (words.size() < 2) {
                    return Answer.of(tag + " BAD LOGIN needs a user name and a password\r\n");
                }
                login("LOGIN", words.get(0), words.get(1));
                stage = Stage.AUTHENTICATED;
                return Answer.of(tag + " OK [CAPABILITY " + capabilities() + "] LOGIN completed\r\n");
            }
            case "AUTHENTICATE": {
                String[] words = arg.split(" ");
                if (!words[0].equalsIgnoreCase("PLAIN")) {
                    return Answer.of(tag + " NO Unsupported authentication mechanism\r\n");
                }
                if (words.length > 1) {
                    if (!plain("AUTHENTICATE PLAIN", words[1])) {
                        return Answer.of(tag + " BAD Cannot decode the response\r\n");
                    }
                    stage = Stage.AUTHENTICATED;
                    return Answer.of(tag + " OK AUTHENTICATE completed\r\n");
                }
                authenticating = tag;
                return Answer.of("+ \r\n");
            }
            case "LIST":
            case "LSUB": {
                if (stage == Stage.NOT_AUTHENTICATED) {
                    return notAuthenticated(tag);
                }
                String[] parts = arg.trim().split(" ");
                if (parts[parts.length - 1].equals("\"\"")) {
                    return Answer.of("* " + verb + " (\\Noselect) \"/\" \"\"\r\n" + tag + " OK " + verb + " completed\r\n");
                }
                return Answer.of("* " + verb + " (\\HasNoChildren) \"/\" INBOX\r\n" + tag + " OK " + verb + " completed\r\n");
            }
            case "SELECT":
            case "EXAMINE": {
                if (stage == Stage.NOT_AUTHENTICATED) {
                    return notAuthenticated(tag);
                }
                List<String> words = imapArguments(arg);
                if (words.isEmpty() || !words.get(0).equalsIgnoreCase("INBOX")) {
                    return Answer.of(tag + " NO [NONEXISTENT] Mailbox does not exist\r\n");
                }
                stage = Stage.SELECTED;
                return Answer.of("* 0 EXISTS\r\n* 0 RECENT\r\n"
                        + "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                        + "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] Flags permitted\r\n"
                        + "* OK [UIDVALIDITY 1] UIDs valid\r\n* OK [UIDNEXT 1] Predicted next UID\r\n"
                        + tag + " OK [" + (verb.equals("SELECT") ? "READ-WRITE" : "READ-ONLY") + "] " + verb + " completed\r\n");
            }
            case "STATUS":
                if (stage == Stage.NOT_AUTHENTICATED) {
                    return notAuthenticated(tag);
                }
                return Answer.of("* STATUS INBOX (MESSAGES 0 RECENT 0 UIDNEXT 1 UIDVALIDITY 1 UNSEEN 0)\r\n"
                        + tag + " OK STATUS completed\r\n");
            case "CLOSE":
            case "UNSELECT":
                if (stage != Stage.SELECTED) {
                    return Answer.of(tag + " BAD No mailbox selected\r\n");
                }
                stage = Stage.AUTHENTICATED;
                return ok(tag, verb);
            case "SEARCH":
                return stage != Stage.SELECTED ? Answer.of(tag + " BAD No mailbox selected\r\n")
                        : Answer.of("* SEARCH\r\n" + tag + " OK SEARCH completed\r\n");
            case "FETCH":
            case "STORE":
            case "EXPUNGE":
                return stage != Stage.SELECTED ? Answer.of(tag + " BAD No mailbox selected\r\n") : ok(tag, verb);
            case "ID":
                return Answer.of("* ID (\"name\" \"starttls4j testkit\")\r\n" + tag + " OK ID completed\r\n");
            case "NAMESPACE":
                return Answer.of("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n" + tag + " OK NAMESPACE completed\r\n");
            case "STARTTLS":
                return Answer.of(tag + " BAD " + (layer == Layer.TLS ? "TLS already active" : "TLS not available") + "\r\n");
            case "LOGOUT":
                return new Answer("* BYE Logging out\r\n" + tag + " OK LOGOUT completed\r\n", true);
            default:
                return Answer.of(tag + " BAD Unknown command " + verb.toLowerCase(Locale.ROOT) + "\r\n");
        }
    }

    private String capabilities() {
        return "IMAP4rev1 ID NAMESPACE UNSELECT" + (profile.authAnnounced() ? " AUTH=PLAIN" : "");
    }

    private static Answer ok(String tag, String verb) {
        return Answer.of(tag + " OK " + verb + " completed\r\n");
    }

    private static Answer notAuthenticated(String tag) {
        return Answer.of(tag + " NO Log in first\r\n");
    }
}
