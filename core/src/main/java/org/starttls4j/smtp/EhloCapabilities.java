package org.starttls4j.smtp;

import java.util.List;
import java.util.Locale;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.internal.dialog.Announcement;

/**
 * Reads and writes the capability lines of an EHLO reply (RFC 5321 §4.1.1.1), and of an LHLO
 * reply, which has the same syntax (RFC 2033 §4.1).
 */
public final class EhloCapabilities {

    private EhloCapabilities() {
    }

    /**
     * The capabilities in a 250 EHLO reply: every line after the first is a keyword (kept as sent;
     * compared without case) and its space-separated parameters.
     *
     * @param reply a complete 250 reply
     * @return the capabilities, in order
     */
    public static Capabilities parse(SmtpReplyReader.Complete reply) {
        return Capabilities.fromLines(reply.lines(), 1, SmtpReplyReader.TEXT_OFFSET);
    }

    /**
     * A 250 reply announcing {@code capabilities}, first line {@code "<host> greets <client>"}.
     *
     * @param hostname     the server's name
     * @param clientDomain the EHLO (or LHLO) argument
     * @param capabilities what to announce
     * @return the reply, CRLF included
     */
    public static String reply(String hostname, String clientDomain, Capabilities capabilities) {
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

    /**
     * What an SMTP or LMTP server announces before TLS: the configured capabilities, less AUTH
     * unless allowed before TLS, plus STARTTLS unless the policy is {@code PLAINTEXT_ONLY}.
     *
     * @param config the server configuration
     * @return the capabilities for the EHLO (or LHLO) reply
     */
    public static Capabilities beforeTls(ServerConfig config) {
        return Announcement.beforeTls(config, config.capabilitiesBeforeTls(), "STARTTLS",
                c -> !config.allowAuthBeforeTls() && (c.is("AUTH") || c.name().toUpperCase(Locale.ROOT).startsWith("AUTH=")));
    }
}
