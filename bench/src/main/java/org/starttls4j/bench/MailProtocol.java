package org.starttls4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.imap.Imap;
import org.starttls4j.imap.ImapServerDialog;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.pop3.Pop3ServerDialog;
import org.starttls4j.smtp.PreparedSmtpServer;
import org.starttls4j.smtp.Smtp;

/** The three protocols, with capability lists of the size real servers announce. */
public enum MailProtocol {
    /** SMTP submission: greeting, EHLO, STARTTLS, handshake, EHLO. */
    SMTP("PIPELINING", "SIZE 35882577", "8BITMIME", "ENHANCEDSTATUSCODES", "CHUNKING", "SMTPUTF8", "AUTH PLAIN LOGIN"),
    /** IMAP: greeting with capabilities, STARTTLS, handshake, CAPABILITY. */
    IMAP("IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE", "LITERAL+", "AUTH=PLAIN"),
    /** POP3: greeting, CAPA, STLS, handshake, CAPA. */
    POP3("TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "USER", "SASL PLAIN");

    private final Capabilities after;

    MailProtocol(String... capabilities) {
        List<Capability> list = new ArrayList<>();
        for (String c : capabilities) {
            String[] words = c.split(" ");
            list.add(new Capability(words[0], List.of(words).subList(1, words.length)));
        }
        this.after = new Capabilities(list);
    }

    /** What the server announces in plaintext (the dialog adds STARTTLS/STLS and drops AUTH). */
    Capabilities capabilitiesBeforeTls() {
        return after;
    }

    /** What the server announces inside TLS. */
    Capabilities capabilitiesAfterTls() {
        return after;
    }

    /** The core client negotiation. */
    Negotiation client(ClientConfig config) {
        switch (this) {
            case SMTP:
                return Smtp.client(config);
            case IMAP:
                return Imap.client(config);
            default:
                return Pop3.client(config);
        }
    }

    /**
     * The core server negotiations for {@code config}, prepared once: the announcement is computed
     * here, as a server that accepts many connections does (SMTP: {@link PreparedSmtpServer}; IMAP
     * and POP3: their dialog, immutable with its announcement, made once and shared).
     */
    Supplier<Negotiation> servers(ServerConfig config) {
        switch (this) {
            case SMTP:
                return PreparedSmtpServer.of(config)::negotiation;
            case IMAP:
                ImapServerDialog imap = ImapServerDialog.create(config);
                return () -> Negotiation.server(config, imap);
            default:
                Pop3ServerDialog pop3 = Pop3ServerDialog.create(config);
                return () -> Negotiation.server(config, pop3);
        }
    }

    /** The core server negotiation. */
    Negotiation server(ServerConfig config) {
        switch (this) {
            case SMTP:
                return Smtp.server(config);
            case IMAP:
                return Imap.server(config);
            default:
                return Pop3.server(config);
        }
    }

    /**
     * The application's answer to the client's first command inside TLS.
     *
     * @param config the server configuration
     * @param line   the command, without CRLF
     * @return the reply, CRLF included
     */
    String replyAfterTls(ServerConfig config, String line) {
        switch (this) {
            case SMTP:
                return Smtp.ehloReplyAfterTls(config, line.substring(line.indexOf(' ') + 1));
            case IMAP:
                return Imap.capabilityResponseAfterTls(config, line.substring(0, line.indexOf(' ')));
            default:
                return Pop3.capaReplyAfterTls(config);
        }
    }
}
