package org.starttls4j.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Event;
import org.starttls4j.testkit.Credentials;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;

/**
 * Records what a client sent during the core's server negotiation (its transcript), with the
 * credentials of any one-line login it tried there (a client that sends {@code AUTH PLAIN …}
 * before TLS is refused by the negotiation, but the password has travelled all the same).
 */
public final class NegotiationLines {

    private NegotiationLines() {
    }

    /**
     * Records the received lines and TLS events of a negotiation.
     *
     * @param protocol   the protocol
     * @param recording  where to record
     * @param connection the connection's number
     * @param events     the negotiation's events
     */
    public static void record(MailProtocol protocol, Recording recording, int connection, List<Event> events) {
        record(protocol, recording, connection, events, "");
    }

    /**
     * Records as {@link #record(MailProtocol, Recording, int, List)}, leaving out the last received
     * line when it is the first of the bytes handed over unread: the application reads and records
     * it again.
     *
     * @param protocol   the protocol
     * @param recording  where to record
     * @param connection the connection's number
     * @param events     the negotiation's events
     * @param unread     the bytes handed over unread, as ISO-8859-1 text (empty for none)
     */
    public static void record(MailProtocol protocol, Recording recording, int connection, List<Event> events, String unread) {
        String firstUnread = unread.split("\r?\n", 2)[0];
        Event.Line lastReceived = null;
        if (!unread.isEmpty()) {
            for (Event e : events) {
                if (e instanceof Event.Line line && line.direction() == Event.Direction.RECEIVED) {
                    lastReceived = line;
                }
            }
            if (lastReceived != null && !lastReceived.text().equals(firstUnread)) {
                lastReceived = null;
            }
        }
        String user = null;
        for (Event e : events) {
            if (e == lastReceived) {
                continue;
            }
            if (e instanceof Event.Line line && line.direction() == Event.Direction.RECEIVED) {
                Layer layer = line.encrypted() ? Layer.TLS : Layer.PLAINTEXT;
                recording.add(new ReceivedCommand(connection, layer, line.text(), line.at()));
                user = credentials(protocol, recording, connection, layer, line.text(), user);
            } else if (e instanceof Event.TlsEstablished tls) {
                recording.note(connection, "TLS established: " + tls.facts().protocol() + " " + tls.facts().cipherSuite());
            } else if (e instanceof Event.Failed failed) {
                recording.note(connection, "negotiation failed: " + failed.failure());
            } else if (e instanceof Event.FellBackToPlaintext fell) {
                recording.note(connection, "went on in plaintext: " + fell.cause());
            }
        }
    }

    /** Decodes one-line credentials; returns the POP3 USER name waiting for its PASS. */
    private static String credentials(MailProtocol protocol, Recording recording, int connection, Layer layer, String line,
                                      String user) {
        String[] w = line.trim().split(" +");
        String first = w[0].toUpperCase(Locale.ROOT);
        if (protocol == MailProtocol.POP3 && first.equals("USER") && w.length > 1) {
            return w[1];
        }
        if (protocol == MailProtocol.POP3 && first.equals("PASS") && w.length > 1) {
            recording.add(new Credentials(connection, layer, "USER/PASS", user == null ? "" : user, line.trim().substring(5)));
            return null;
        }
        if (protocol != MailProtocol.IMAP && first.equals("AUTH") && w.length > 2 && w[1].equalsIgnoreCase("PLAIN")) {
            plain(recording, connection, layer, "AUTH PLAIN", w[2]);
        } else if (protocol == MailProtocol.IMAP && w.length > 3 && w[1].equalsIgnoreCase("AUTHENTICATE") && w[2].equalsIgnoreCase("PLAIN")) {
            plain(recording, connection, layer, "AUTHENTICATE PLAIN", w[3]);
        } else if (protocol == MailProtocol.IMAP && w.length > 2 && w[1].equalsIgnoreCase("LOGIN")) {
            List<String> args = Conversation.imapArguments(line.trim().split(" +", 3)[2]);
            if (args.size() >= 2) {
                recording.add(new Credentials(connection, layer, "LOGIN", args.get(0), args.get(1)));
            }
        }
        return user;
    }

    private static void plain(Recording recording, int connection, Layer layer, String mechanism, String base64) {
        try {
            String[] parts = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).split("\0", -1);
            if (parts.length == 3) {
                recording.add(new Credentials(connection, layer, mechanism, parts[1], parts[2]));
            }
        } catch (IllegalArgumentException e) {
            // not base64: the line is recorded as it came, nothing to decode
        }
    }
}
