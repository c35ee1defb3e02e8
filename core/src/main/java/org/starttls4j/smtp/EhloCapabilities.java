package org.starttls4j.smtp;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;

/** Reads and writes the capability lines of an EHLO reply (RFC 5321 §4.1.1.1). */
final class EhloCapabilities {

    private EhloCapabilities() {
    }

    /**
     * The capabilities in a 250 EHLO reply: every line after the first is a keyword (kept as sent;
     * compared without case) and its space-separated parameters.
     */
    static Capabilities parse(SmtpReplyReader.Complete reply) {
        List<String> lines = reply.lines();
        return Capabilities.fromLines(lines.subList(1, lines.size()), SmtpReplyReader.TEXT_OFFSET);
    }

    /** A 250 reply announcing {@code capabilities}, first line {@code "<host> greets <client>"}. */
    static String reply(String hostname, String clientDomain, Capabilities capabilities) {
        return reply(hostname, clientDomain, capabilities.isEmpty(), lines(capabilities));
    }

    /** The same reply, from {@link #lines} prepared once. */
    static String reply(String hostname, String clientDomain, boolean none, String capabilityLines) {
        return (none ? "250 " : "250-") + hostname + " greets " + clientDomain + "\r\n" + capabilityLines;
    }

    /** The lines of a 250 EHLO reply after its first: one per capability, the last with {@code "250 "}. */
    static String lines(Capabilities capabilities) {
        StringBuilder lines = new StringBuilder();
        List<Capability> list = capabilities.list();
        for (int i = 0; i < list.size(); i++) {
            lines.append(i == list.size() - 1 ? "250 " : "250-").append(list.get(i)).append("\r\n");
        }
        return lines.toString();
    }
}
