package org.starttls4j.testing.interop;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;

/**
 * The three mail protocols as the interop tests see them: the names the external clients use for
 * them, and the capabilities the test servers announce.
 */
public enum MailProtocol {
    /** SMTP with STARTTLS (RFC 3207); implicit TLS is port 465 style. */
    SMTP("smtp", "smtp", "smtps",
            caps("PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"),
            caps("PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN")),
    /** IMAP with STARTTLS (RFC 2595, RFC 9051); implicit TLS is port 993 style. */
    IMAP("imap", "imap", "imaps",
            caps("IMAP4rev1", "LITERAL+", "ID"),
            caps("IMAP4rev1", "LITERAL+", "ID", "AUTH=PLAIN", "UNSELECT")),
    /** POP3 with STLS (RFC 2595, RFC 2449); implicit TLS is port 995 style. */
    POP3("pop3", "pop3", "pop3s",
            caps("TOP", "UIDL", "RESP-CODES", "PIPELINING"),
            caps("TOP", "UIDL", "RESP-CODES", "PIPELINING", "USER", "SASL PLAIN"));

    private final String opensslStartTls;
    private final String curlScheme;
    private final String curlImplicitScheme;
    private final Capabilities capabilitiesBeforeTls;
    private final Capabilities capabilitiesAfterTls;

    MailProtocol(String opensslStartTls, String curlScheme, String curlImplicitScheme,
                 Capabilities capabilitiesBeforeTls, Capabilities capabilitiesAfterTls) {
        this.opensslStartTls = opensslStartTls;
        this.curlScheme = curlScheme;
        this.curlImplicitScheme = curlImplicitScheme;
        this.capabilitiesBeforeTls = capabilitiesBeforeTls;
        this.capabilitiesAfterTls = capabilitiesAfterTls;
    }

    /**
     * A client negotiation of this protocol: {@code Smtp.client}, {@code Imap.client} or
     * {@code Pop3.client}.
     *
     * @param config the client configuration
     * @return the unstarted negotiation
     */
    public Negotiation client(ClientConfig config) {
        return switch (this) {
            case SMTP -> Smtp.client(config);
            case IMAP -> Imap.client(config);
            case POP3 -> Pop3.client(config);
        };
    }

    /**
     * A server negotiation of this protocol: {@code Smtp.server}, {@code Imap.server} or
     * {@code Pop3.server}.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public Negotiation server(ServerConfig config) {
        return switch (this) {
            case SMTP -> Smtp.server(config);
            case IMAP -> Imap.server(config);
            case POP3 -> Pop3.server(config);
        };
    }

    /** The argument of {@code openssl s_client -starttls}. */
    public String opensslStartTls() {
        return opensslStartTls;
    }

    /** The curl URL scheme: {@code smtp}/{@code imap}/{@code pop3}, or with implicit TLS {@code smtps}… */
    public String curlScheme(boolean implicitTls) {
        return implicitTls ? curlImplicitScheme : curlScheme;
    }

    /** What the test servers announce before TLS (the negotiation adds STARTTLS/STLS). */
    public Capabilities capabilitiesBeforeTls() {
        return capabilitiesBeforeTls;
    }

    /**
     * What the test servers announce once TLS is up: includes AUTH, which must never be announced
     * in plaintext, so a client that sees it has certainly asked inside TLS.
     */
    public Capabilities capabilitiesAfterTls() {
        return capabilitiesAfterTls;
    }

    /** The capability a server announces when it offers TLS: {@code STARTTLS}, or {@code STLS} for POP3. */
    public String startTlsCapability() {
        return this == POP3 ? "STLS" : "STARTTLS";
    }

    /** The capability that marks an authentication mechanism as announced (AUTH, AUTH=…, SASL). */
    public boolean isAuthCapability(Capability capability) {
        String name = capability.name().toUpperCase(java.util.Locale.ROOT);
        return switch (this) {
            case SMTP -> name.equals("AUTH");
            case IMAP -> name.startsWith("AUTH=");
            case POP3 -> name.equals("SASL") || name.equals("USER");
        };
    }

    private static Capabilities caps(String... announced) {
        List<Capability> list = new java.util.ArrayList<>();
        for (String one : announced) {
            String[] words = one.split(" ");
            list.add(new Capability(words[0], List.of(words).subList(1, words.length)));
        }
        return new Capabilities(list);
    }
}
