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
     * A 250 reply announcing {@code capabilities}, first line {@code "<host> greets <client>"} (or
     * {@code "<host>"} alone when the client's argument is too long for a reply line or not
     * printable US-ASCII).
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
        return (none ? "250 " : "250-") + firstLine(hostname, clientDomain) + "\r\n" + capabilityLines;
    }

    /** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets, its code and CRLF included. */
    private static final int MAX_REPLY_LINE = 512;

    /**
     * The text of the reply's first line: {@code "<host> greets <client>"}, or the host alone
     * (RFC 5321 §4.1.1.1: the greeting after the domain is optional) when the client's argument
     * would not fit in a reply line or is not printable US-ASCII. The argument is whatever the
     * client sent, up to {@link org.starttls4j.Limits#maxLineLength()} bytes: echoed as it came,
     * it made reply lines of up to a thousand bytes, which clients that hold RFC 5321's 512
     * refuse, and sent control and 8-bit bytes back.
     */
    private static String firstLine(String hostname, String clientDomain) {
        int length = "250-".length() + hostname.length() + " greets ".length() + clientDomain.length() + "\r\n".length();
        return length <= MAX_REPLY_LINE && isPrintableAscii(clientDomain) ? hostname + " greets " + clientDomain : hostname;
    }

    /** Whether {@code text} is one or more characters from {@code !} to {@code ~}: a domain or an address literal, never a space or control. */
    private static boolean isPrintableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return !text.isEmpty();
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
