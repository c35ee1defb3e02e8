package org.starttls4j.testkit;

import java.util.Locale;
import java.util.Set;

/** The mail protocols the kit speaks, with the words that differ between them. */
public enum MailProtocol {
    /** SMTP (RFC 5321) with STARTTLS (RFC 3207). */
    SMTP("STARTTLS", 465),
    /** IMAP (RFC 9051) with STARTTLS (RFC 2595). */
    IMAP("STARTTLS", 993),
    /** POP3 (RFC 1939) with STLS (RFC 2595). */
    POP3("STLS", 995);

    private static final Set<String> SMTP_NEGOTIATION = Set.of("EHLO", "HELO", "STARTTLS", "NOOP", "RSET", "QUIT");
    private static final Set<String> IMAP_NEGOTIATION = Set.of("CAPABILITY", "STARTTLS", "NOOP", "LOGOUT");
    private static final Set<String> POP3_NEGOTIATION = Set.of("CAPA", "STLS", "NOOP", "QUIT");

    private final String startTlsCommand;
    private final int implicitTlsPort;

    MailProtocol(String startTlsCommand, int implicitTlsPort) {
        this.startTlsCommand = startTlsCommand;
        this.implicitTlsPort = implicitTlsPort;
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
     * The well-known implicit-TLS port (RFC 8314), for messages only: the kit always listens on a free port.
     *
     * @return 465, 993 or 995
     */
    public int implicitTlsPort() {
        return implicitTlsPort;
    }

    /**
     * Whether a client's line belongs to the STARTTLS negotiation itself, and so may travel in
     * plaintext even when TLS is required: SMTP {@code EHLO HELO STARTTLS NOOP RSET QUIT}, IMAP
     * {@code CAPABILITY STARTTLS NOOP LOGOUT}, POP3 {@code CAPA STLS NOOP QUIT}.
     *
     * @param line a command line without its CRLF (with its tag, for IMAP)
     * @return whether it is one of those commands
     */
    public boolean isNegotiation(String line) {
        String[] words = line.trim().split(" +");
        int index = this == IMAP ? 1 : 0;
        String verb = words.length > index ? words[index].toUpperCase(Locale.ROOT) : "";
        return switch (this) {
            case SMTP -> SMTP_NEGOTIATION.contains(verb);
            case IMAP -> IMAP_NEGOTIATION.contains(verb);
            case POP3 -> POP3_NEGOTIATION.contains(verb);
        };
    }

    /**
     * The lower-case name, as in URLs and Jakarta Mail property names ({@code mail.smtp.…}).
     *
     * @return {@code smtp}, {@code imap} or {@code pop3}
     */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
