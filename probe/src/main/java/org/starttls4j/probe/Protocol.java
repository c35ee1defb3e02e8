package org.starttls4j.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.testkit.MailProtocol;

/** The mail protocols as the command line knows them: entry points, words and defaults. */
public enum Protocol {
    /** SMTP: STARTTLS (RFC 3207) on 25 and 587, implicit TLS on 465 (RFC 8314). */
    SMTP("STARTTLS"),
    /** IMAP: STARTTLS (RFC 9051, RFC 2595) on 143, implicit TLS on 993. */
    IMAP("STARTTLS"),
    /** POP3: STLS (RFC 2595) on 110, implicit TLS on 995. */
    POP3("STLS"),
    /** LMTP: STARTTLS (RFC 2033, RFC 3207), usually on 24; no implicit-TLS port. */
    LMTP("STARTTLS"),
    /** ManageSieve: STARTTLS (RFC 5804) on 4190; capabilities come unasked, again after TLS. */
    SIEVE("STARTTLS"),
    /** NNTP: STARTTLS (RFC 4642) on 119, implicit TLS on 563. */
    NNTP("STARTTLS");

    private final String startTlsWord;

    Protocol(String startTlsWord) {
        this.startTlsWord = startTlsWord;
    }

    /**
     * The client negotiation: {@code Smtp.client}, {@code Imap.client}, {@code Pop3.client},
     * {@code Lmtp.client}, {@code ManageSieve.client} or {@code Nntp.client}.
     *
     * @param config the client configuration
     * @return the unstarted negotiation
     */
    public Negotiation client(ClientConfig config) {
        return kit().client(config);
    }

    /** The test kit's name for this protocol (the same six, by the same names). */
    MailProtocol kit() {
        return MailProtocol.valueOf(name());
    }

    /** The command that asks for TLS: {@code STARTTLS}, or {@code STLS} for POP3. */
    public String startTlsWord() {
        return startTlsWord;
    }

    /** Whether the protocol has a port for implicit TLS (SMTP 465, IMAP 993, POP3 995, NNTP 563); LMTP and ManageSieve have none. */
    public boolean hasImplicitPort() {
        return this != LMTP && this != SIEVE;
    }

    /** The lower-case name, as in URLs and on the command line. */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The polite goodbye a client sends once the negotiation handed over (IMAP with a tag of its own). */
    String goodbye() {
        return switch (this) {
            case SMTP, POP3, LMTP, NNTP -> "QUIT\r\n";
            case IMAP -> "A100 LOGOUT\r\n";
            case SIEVE -> "LOGOUT\r\n";
        };
    }

    /**
     * Whether {@code capability} offers a way to log in: SMTP {@code AUTH}, IMAP {@code AUTH=…}
     * (or LOGIN, which IMAP allows unless {@code LOGINDISABLED} is announced), POP3 {@code USER}
     * or {@code SASL}, LMTP {@code AUTH}, ManageSieve {@code SASL} with a mechanism, NNTP
     * {@code AUTHINFO} or {@code SASL}.
     */
    boolean isLogin(Capability capability) {
        String name = capability.name().toUpperCase(Locale.ROOT);
        return switch (this) {
            case SMTP, LMTP -> name.equals("AUTH");
            case IMAP -> name.startsWith("AUTH=");
            case POP3 -> name.equals("USER") || name.equals("SASL");
            case SIEVE -> name.equals("SASL") && !capability.parameters().isEmpty();
            case NNTP -> name.equals("AUTHINFO") || name.equals("SASL");
        };
    }

    /** Describes the ways to log in that {@code capabilities} offer, or an empty list. */
    List<String> loginOffers(Capabilities capabilities) {
        List<String> offers = new ArrayList<>();
        for (Capability c : capabilities.list()) {
            if (isLogin(c)) {
                offers.add(c.toString());
            }
        }
        if (this == IMAP && !capabilities.isEmpty() && !capabilities.has("LOGINDISABLED")) {
            offers.add("LOGIN (no LOGINDISABLED)");
        }
        return offers;
    }
}
