/**
 * starttls4j core: sans-I/O negotiation of TLS on SMTP, LMTP, IMAP, POP3, ManageSieve and NNTP
 * connections. Depends on the JDK alone.
 */
module org.starttls4j.core {
    // org.starttls4j.internal.* (the SSLEngine pump, engine setup, failure classification, line
    // framing) is the inside: not exported, free to change between releases.
    exports org.starttls4j;
    exports org.starttls4j.text;
    exports org.starttls4j.smtp;
    exports org.starttls4j.imap;
    exports org.starttls4j.pop3;
    exports org.starttls4j.lmtp;
    exports org.starttls4j.sieve;
    exports org.starttls4j.nntp;
    exports org.starttls4j.mtasts;
    exports org.starttls4j.dane;
    exports org.starttls4j.tlsrpt;
}
