package org.starttls4j.testkit.checks;

/** What a hostile client tries against a STARTTLS server. */
public enum ServerCheck {
    /**
     * STARTTLS and a harmless command in one write, then TLS: a server that answers the command
     * inside TLS kept plaintext read before TLS and acted on it (CVE-2011-0411 and its family).
     */
    COMMAND_INJECTION("STARTTLS and a command in one write: is the command answered inside TLS?"),
    /** STARTTLS again inside TLS must be refused (RFC 3207 §4.2, RFC 2595 §3.1). */
    SECOND_STARTTLS("STARTTLS again inside TLS: refused?"),
    /**
     * Logging in or sending mail before TLS must be refused by a server that requires TLS: SMTP
     * {@code MAIL}; SASL with {@code PLAIN} and every mechanism the capabilities announce (SMTP
     * {@code AUTH}, IMAP {@code AUTHENTICATE}, POP3 {@code AUTH}, ManageSieve {@code AUTHENTICATE});
     * IMAP {@code LOGIN} with a made-up user and password (refused with no sign that TLS is the
     * reason, neither {@code LOGINDISABLED} nor {@code [PRIVACYREQUIRED]}: a WARN, the server may have
     * checked them); POP3 {@code USER}, LMTP {@code MAIL} (accepted: a WARN, LMTP usually runs on a
     * trusted network), NNTP {@code AUTHINFO USER}. SASL exchanges are cancelled; no real credential
     * is ever sent. A public MX on port 25 must accept mail without TLS (RFC 3207 §4): with
     * {@link ServerChecks.Builder#publicMx(boolean)} MAIL accepted passes and a 530 warns.
     */
    COMMANDS_BEFORE_TLS("login and mail before TLS: refused?"),
    /**
     * A command line of 1 MiB: the server should refuse it or close, not read on without bound. An
     * answer as to a command is a WARN, not a FAIL: a server that truncates the line at a bound of
     * its own and skips the rest (Postfix, at {@code line_length_limit}) answers just as one that
     * kept it whole, and from outside the two look alike. No answer at all is a FAIL. A refusal
     * passes when the same command, short ({@code NOOP x}, sent first), was not refused alike; a
     * refusal both get (POP3 has no NOOP before login, NNTP none at all) says nothing of the length:
     * a WARN. A server that read the whole line before refusing it still answers as one that
     * stopped at a bound; only a close before the line was all sent shows a bound for certain.
     */
    OVER_LONG_LINE("a command line of 1 MiB: refused or closed?"),
    /**
     * A client-initiated renegotiation inside TLS 1.2: a server should refuse it (it costs the server
     * a handshake each time). A server of TLS 1.3 only passes: RFC 8446 has no renegotiation.
     */
    RENEGOTIATION("client-initiated TLS 1.2 renegotiation: refused?"),
    /** 4,096 junk commands in one write before TLS: how many bytes does the server send back per byte received? */
    AMPLIFICATION("4,096 junk commands before TLS: bytes out per byte in"),
    /** Many silent connections: a fresh one must still be answered, and silent ones closed in time. */
    IDLE_CONNECTIONS("silent connections: is a fresh one still greeted, are silent ones closed?");

    private final String description;

    ServerCheck(String description) {
        this.description = description;
    }

    /**
     * What the check does, in a few words.
     *
     * @return the description
     */
    public String description() {
        return description;
    }
}
