package org.starttls4j.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.imap.Imap;
import org.starttls4j.lmtp.Lmtp;
import org.starttls4j.nntp.Nntp;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.sieve.ManageSieve;
import org.starttls4j.smtp.Smtp;

/**
 * The mail protocols the kit speaks, with the words that differ between them. The reference
 * servers speak all six; hostile servers and server checks speak {@link #mail() SMTP, IMAP and
 * POP3}, the protocols of the STARTTLS studies.
 */
public enum MailProtocol {
    /** SMTP (RFC 5321) with STARTTLS (RFC 3207). */
    SMTP("STARTTLS", 465, Set.of("EHLO", "HELO", "STARTTLS", "NOOP", "RSET", "QUIT")),
    /** IMAP (RFC 9051) with STARTTLS (RFC 2595). */
    IMAP("STARTTLS", 993, Set.of("CAPABILITY", "STARTTLS", "NOOP", "LOGOUT")),
    /** POP3 (RFC 1939) with STLS (RFC 2595). */
    POP3("STLS", 995, Set.of("CAPA", "STLS", "NOOP", "QUIT")),
    /** LMTP (RFC 2033) with STARTTLS (RFC 3207): SMTP with LHLO and one reply per recipient; no implicit-TLS port. */
    LMTP("STARTTLS", -1, Set.of("LHLO", "STARTTLS", "NOOP", "RSET", "QUIT")),
    /** ManageSieve (RFC 5804) with STARTTLS; capabilities come unasked, again after TLS; no implicit-TLS port. */
    SIEVE("STARTTLS", -1, Set.of("CAPABILITY", "STARTTLS", "NOOP", "LOGOUT")),
    /** NNTP (RFC 3977) with STARTTLS (RFC 4642). */
    NNTP("STARTTLS", 563, Set.of("CAPABILITIES", "STARTTLS", "MODE", "QUIT"));

    private static final List<MailProtocol> MAIL = List.of(SMTP, IMAP, POP3);

    private final String startTlsCommand;
    private final int implicitTlsPort;
    private final Set<String> negotiation;

    MailProtocol(String startTlsCommand, int implicitTlsPort, Set<String> negotiation) {
        this.startTlsCommand = startTlsCommand;
        this.implicitTlsPort = implicitTlsPort;
        this.negotiation = negotiation;
    }

    /**
     * SMTP, IMAP and POP3: the protocols hostile servers and server checks speak.
     *
     * @return those three, in that order
     */
    public static List<MailProtocol> mail() {
        return MAIL;
    }

    /**
     * The command that asks for TLS.
     *
     * @return {@code STARTTLS}, or {@code STLS} for POP3
     */
    public String startTlsCommand() {
        return startTlsCommand;
    }

    /**
     * The well-known implicit-TLS port (RFC 8314, RFC 4642), for messages only: the kit always listens on a free port.
     *
     * @return 465, 993, 995 or 563; -1 for LMTP and ManageSieve, which have none
     */
    public int implicitTlsPort() {
        return implicitTlsPort;
    }

    /**
     * Whether the protocol has an implicit-TLS port.
     *
     * @return false for LMTP and ManageSieve
     */
    public boolean hasImplicitTls() {
        return implicitTlsPort > 0;
    }

    /**
     * Whether a client's line belongs to the STARTTLS negotiation itself, and so may travel in
     * plaintext even when TLS is required: SMTP {@code EHLO HELO STARTTLS NOOP RSET QUIT}, IMAP
     * {@code CAPABILITY STARTTLS NOOP LOGOUT}, POP3 {@code CAPA STLS NOOP QUIT}, LMTP {@code LHLO}
     * instead of EHLO/HELO, ManageSieve as IMAP without tags, NNTP {@code CAPABILITIES STARTTLS MODE QUIT}.
     *
     * @param line a command line without its CRLF (with its tag, for IMAP)
     * @return whether it is one of those commands
     */
    public boolean isNegotiation(String line) {
        String[] words = line.trim().split(" +");
        int index = isTagged() ? 1 : 0;
        String verb = words.length > index ? words[index].toUpperCase(Locale.ROOT) : "";
        return negotiation.contains(verb);
    }

    /**
     * Whether commands carry a tag before their verb.
     *
     * @return true for IMAP
     */
    public boolean isTagged() {
        return this == IMAP;
    }

    /**
     * The core's client negotiation for this protocol ({@code Smtp.client}, {@code Imap.client}, …).
     *
     * @param config the client configuration
     * @return the unstarted negotiation
     */
    public Negotiation client(ClientConfig config) {
        return switch (this) {
            case SMTP -> Smtp.client(config);
            case IMAP -> Imap.client(config);
            case POP3 -> Pop3.client(config);
            case LMTP -> Lmtp.client(config);
            case SIEVE -> ManageSieve.client(config);
            case NNTP -> Nntp.client(config);
        };
    }

    /**
     * The core's server negotiation for this protocol ({@code Smtp.server}, {@code Imap.server}, …).
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public Negotiation server(ServerConfig config) {
        return switch (this) {
            case SMTP -> Smtp.server(config);
            case IMAP -> Imap.server(config);
            case POP3 -> Pop3.server(config);
            case LMTP -> Lmtp.server(config);
            case SIEVE -> ManageSieve.server(config);
            case NNTP -> Nntp.server(config);
        };
    }

    /**
     * The core's server negotiation resuming on a connection already greeted, when a session
     * handed over in plaintext asks for TLS later ({@code Smtp.serverResuming}, …).
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public Negotiation serverResuming(ServerConfig config) {
        return switch (this) {
            case SMTP -> Smtp.serverResuming(config);
            case IMAP -> Imap.serverResuming(config);
            case POP3 -> Pop3.serverResuming(config);
            case LMTP -> Lmtp.serverResuming(config);
            case SIEVE -> ManageSieve.serverResuming(config);
            case NNTP -> Nntp.serverResuming(config);
        };
    }

    /**
     * The lower-case name, as in URLs and Jakarta Mail property names ({@code mail.smtp.…}).
     *
     * @return {@code smtp}, {@code imap}, {@code pop3}, {@code lmtp}, {@code sieve} or {@code nntp}
     */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
