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
    static Capabilities parse(SmtpReply reply) {
        return Capabilities.fromLines(reply.lines().subList(1, reply.lines().size()));
    }

    /** A 250 reply announcing {@code capabilities}, first line {@code "<host> greets <client>"}. */
    static String reply(String hostname, String clientDomain, Capabilities capabilities) {
        StringBuilder reply = new StringBuilder();
        List<Capability> list = capabilities.list();
        reply.append(list.isEmpty() ? "250 " : "250-").append(hostname).append(" greets ").append(clientDomain).append("\r\n");
        for (int i = 0; i < list.size(); i++) {
            reply.append(i == list.size() - 1 ? "250 " : "250-").append(list.get(i)).append("\r\n");
        }
        return reply.toString();
    }
}
