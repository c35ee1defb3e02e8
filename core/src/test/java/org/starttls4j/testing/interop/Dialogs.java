package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Event;
import org.starttls4j.Failure;

/**
 * The scripted dialogs the scenarios type into external clients once TLS is up, what the replies
 * must look like, and the checks on what a {@link Responder} received. Shared by every scenario
 * so that "what crossed the wire" is judged the same way everywhere.
 */
public final class Dialogs {

    /** The name clients give themselves (SMTP EHLO). */
    public static final String CLIENT_NAME = "client.example.test";
    /** The body the SMTP scenarios send. */
    public static final String MESSAGE_BODY = "Hello over TLS, from an interop test.";

    private Dialogs() {
    }

    /**
     * Asserts that an {@code OPPORTUNISTIC} client fell back to plaintext because the server
     * offered no STARTTLS: no failure, not encrypted, a plaintext session with the reason.
     *
     * @param report the client's report
     */
    public static void assertFellBackForNoStartTls(ClientReport report) {
        assertThat(report.failure()).as("%s", report).isEmpty();
        assertThat(report.encrypted()).as("%s", report).isFalse();
        assertThat(report.fallback()).as("%s", report).isPresent();
        assertThat(report.fallback().get().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(report.session().orElseThrow().isEncrypted()).isFalse();
    }

    /**
     * A dialog to type after TLS is up.
     *
     * @param lines   the commands (and SMTP message lines), without CRLF
     * @param replies prefixes of reply lines that must appear, in this order
     */
    public record Script(List<String> lines, List<String> replies) {

        /** The lines with CRLF, as typed. */
        public String text() {
            StringBuilder s = new StringBuilder();
            for (String line : lines) {
                s.append(line).append("\r\n");
            }
            return s.toString();
        }

        /** The first command: the one that must arrive, and be answered, inside TLS. */
        public String firstCommand() {
            return lines.get(0);
        }
    }

    /**
     * The dialog for {@code protocol}: capabilities, a login, a look at the mailbox (or a message
     * sent), goodbye.
     *
     * @param protocol the protocol
     * @param implicit whether the server greets inside TLS first (implicit TLS)
     * @return the script
     */
    public static Script script(MailProtocol protocol, boolean implicit) {
        return switch (protocol) {
            case SMTP -> new Script(List.of("EHLO " + CLIENT_NAME, "MAIL FROM:<sender@example.test>",
                    "RCPT TO:<alice@example.test>", "DATA", "Subject: starttls4j interop", "", MESSAGE_BODY, ".", "QUIT"),
                    prefixed(implicit ? "220 " + InteropPki.SERVER_NAME : null,
                            "250-" + InteropPki.SERVER_NAME + " greets " + CLIENT_NAME, "250 2.1.0", "250 2.1.5", "354 ",
                            "250 2.0.0 Ok: queued as 1", "221 "));
            case IMAP -> new Script(List.of("a1 CAPABILITY", "a2 LOGIN " + DovecotServer.USER + " " + DovecotServer.PASSWORD,
                    "a3 SELECT INBOX", "a4 LIST \"\" \"*\"", "a5 LOGOUT"),
                    prefixed(implicit ? "* OK [CAPABILITY " : null,
                            "* CAPABILITY ", "a1 OK", "a2 OK", "* 1 EXISTS", "a3 OK", "* LIST ", "a4 OK", "* BYE", "a5 OK"));
            case POP3 -> new Script(List.of("CAPA", "USER " + DovecotServer.USER, "PASS " + DovecotServer.PASSWORD,
                    "STAT", "UIDL", "QUIT"),
                    prefixed(implicit ? "+OK " : null,
                            "+OK Capability list follows", "+OK send PASS", "+OK maildrop locked",
                            "+OK 1 " + Responder.MAILBOX_MESSAGE.length(), "1 interop-0001", "+OK bye"));
        };
    }

    private static List<String> prefixed(String first, String... rest) {
        List<String> all = new java.util.ArrayList<>();
        if (first != null) {
            all.add(first);
        }
        all.addAll(List.of(rest));
        return List.copyOf(all);
    }

    /**
     * Asserts that each of {@code prefixes} starts some line of {@code lines}, in this order.
     *
     * @param lines    the lines seen
     * @param prefixes the expected prefixes
     * @param context  what to print when it fails
     */
    public static void assertInOrder(List<String> lines, List<String> prefixes, Object context) {
        int from = 0;
        for (String prefix : prefixes) {
            int found = -1;
            for (int i = from; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                throw new AssertionError("expected a line starting with \"" + prefix + "\" after line " + from + " of\n"
                        + String.join("\n", lines) + "\n\n" + context);
            }
            from = found + 1;
        }
    }

    /**
     * Sends one SMTP command over a handed-over client connection and reads its reply.
     *
     * @param c       the connection
     * @param line    the command, without CRLF
     * @param timeout how long to wait for each reply line
     * @return the reply's last line
     * @throws IOException when the connection fails or the time runs out
     */
    public static String smtpCommand(StartTlsClients.Connection c, String line, Duration timeout) throws IOException {
        c.send(line + "\r\n");
        return smtpReply(c, timeout);
    }

    /**
     * Reads one SMTP reply, multi-line or not.
     *
     * @param c       the connection
     * @param timeout how long to wait for each line
     * @return the reply's last line
     * @throws IOException when the connection fails or the time runs out
     */
    public static String smtpReply(StartTlsClients.Connection c, Duration timeout) throws IOException {
        while (true) {
            String line = c.readLine(timeout);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
        }
    }

    /** The command that starts TLS in {@code protocol}, as it appears on a line (after any tag). */
    public static String startTlsVerb(MailProtocol protocol) {
        return protocol == MailProtocol.POP3 ? "STLS" : "STARTTLS";
    }

    /**
     * The server-side checks for a session that must have been handed over inside TLS: the
     * negotiation secured it with {@code tlsVersion}; the first command it received after the
     * hand-over is {@code firstCommand} (so it was read inside TLS); and, from the negotiation's
     * events (which the adapter must pass on), nothing but the negotiation's own commands crossed
     * in plaintext, the last of them STARTTLS/STLS (none at all under implicit TLS).
     *
     * @param served       the finished session
     * @param protocol     the protocol
     * @param tlsVersion   the TLS version the client reported, e.g. {@code "TLSv1.3"}
     * @param firstCommand what the client sent first after the handshake (matched ignoring tags
     *                     when it starts with {@code *}: e.g. {@code "* CAPABILITY"})
     * @param implicit     whether the server ran implicit TLS
     */
    public static void assertServedInsideTls(Responder.ServedSession served, MailProtocol protocol, String tlsVersion,
                                             String firstCommand, boolean implicit) {
        assertThat(served.facts().encrypted()).as("handed over inside TLS: %s", served).isTrue();
        assertThat(served.facts().tls()).as("TLS facts: %s", served).isPresent();
        assertThat(served.facts().tls().get().protocol()).as("server's TLS version").isEqualTo(tlsVersion);
        String first = served.firstReceived();
        if (firstCommand.startsWith("* ")) {
            assertThat(first.toUpperCase(Locale.ROOT)).as("first command inside TLS")
                    .endsWith(" " + firstCommand.substring(2).toUpperCase(Locale.ROOT));
        } else {
            assertThat(first).as("first command inside TLS").isEqualTo(firstCommand);
        }
        List<Event.Line> transcript = served.facts().transcript();
        assertThat(transcript).as("the adapter passes the negotiation's events to the responder").isNotEmpty();
        List<Event.Line> receivedPlain = transcript.stream()
                .filter(l -> l.direction() == Event.Direction.RECEIVED && !l.encrypted()).toList();
        assertThat(transcript).as("the negotiation itself read no command inside TLS: the application did")
                .noneMatch(l -> l.direction() == Event.Direction.RECEIVED && l.encrypted());
        if (implicit) {
            assertThat(receivedPlain).as("nothing crossed in plaintext under implicit TLS").isEmpty();
            assertThat(transcript).as("the greeting went inside TLS")
                    .anyMatch(l -> l.direction() == Event.Direction.SENT && l.encrypted());
            assertThat(transcript).noneMatch(l -> !l.encrypted());
        } else {
            assertThat(receivedPlain).as("commands received in plaintext").isNotEmpty();
            String last = receivedPlain.get(receivedPlain.size() - 1).text().toUpperCase(Locale.ROOT);
            assertThat(last).as("the last plaintext command").endsWith(startTlsVerb(protocol));
        }
    }
}
