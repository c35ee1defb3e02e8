package org.starttls4j.testing.interop;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Jakarta Mail (Eclipse Angus) as a client: SMTP with {@code starttls.enable} and
 * {@code starttls.required}, IMAP and POP3 stores with {@code starttls.required} (or the
 * implicit-TLS {@code smtps}/{@code imaps}/{@code pop3s} providers), always trusting only the test
 * CA through {@code ssl.socketFactory} and checking the server's identity against the address it
 * dials (127.0.0.1, an IP SubjectAltName of the test certificate). Angus's debug output is kept as
 * the client's transcript.
 */
public final class JakartaMailClient {

    private static final String TIMEOUT_MILLIS = "20000";

    private JakartaMailClient() {
    }

    /**
     * What a Jakarta Mail session did.
     *
     * @param transcript Angus's debug output (the protocol dialog, both ways)
     * @param messages   for stores: the message count of INBOX; for SMTP: 1 once sent
     * @param firstBody  for stores: the text of the first message; empty otherwise
     */
    public record Result(String transcript, int messages, String firstBody) {
    }

    /**
     * Sends one message over SMTP.
     *
     * @param server   the server
     * @param implicit {@code smtps} (TLS from the first byte) instead of {@code smtp} + STARTTLS
     * @param body     the message text
     * @return the transcript
     * @throws MessagingException when Jakarta Mail fails (for example, STARTTLS refused)
     */
    public static Result sendMail(InetSocketAddress server, boolean implicit, String body) throws MessagingException {
        String protocol = implicit ? "smtps" : "smtp";
        Properties props = base(protocol, server, implicit);
        props.put("mail." + protocol + ".localhost", "client.example.test");
        ByteArrayOutputStream debug = new ByteArrayOutputStream();
        Session session = session(props, debug);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("sender@example.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.test"));
        message.setSubject("starttls4j interop");
        message.setText(body, "US-ASCII");
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
        }
        return new Result(debug.toString(StandardCharsets.ISO_8859_1), 1, "");
    }

    /**
     * Opens a store (IMAP or POP3), INBOX read-only, counts the messages, reads the first one.
     *
     * @param storeProtocol {@code imap} or {@code pop3}
     * @param server        the server
     * @param implicit      {@code imaps}/{@code pop3s} instead of STARTTLS/STLS
     * @return the count, the first body and the transcript
     * @throws MessagingException when Jakarta Mail fails
     * @throws IOException        when reading the message fails
     */
    public static Result readInbox(String storeProtocol, InetSocketAddress server, boolean implicit)
            throws MessagingException, IOException {
        String protocol = implicit ? storeProtocol + "s" : storeProtocol;
        Properties props = base(protocol, server, implicit);
        ByteArrayOutputStream debug = new ByteArrayOutputStream();
        Session session = session(props, debug);
        try (Store store = session.getStore(protocol)) {
            store.connect(DovecotServer.USER, DovecotServer.PASSWORD);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                int count = inbox.getMessageCount();
                String body = count > 0 && storeProtocol.equals("pop3") ? String.valueOf(inbox.getMessage(1).getContent()) : "";
                return new Result(debug.toString(StandardCharsets.ISO_8859_1), count, body);
            } finally {
                inbox.close(false);
            }
        }
    }

    private static Properties base(String protocol, InetSocketAddress server, boolean implicit) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put(p + "host", server.getAddress().getHostAddress());
        props.put(p + "port", Integer.toString(server.getPort()));
        props.put(p + "connectiontimeout", TIMEOUT_MILLIS);
        props.put(p + "timeout", TIMEOUT_MILLIS);
        props.put(p + "writetimeout", TIMEOUT_MILLIS);
        props.put(p + "ssl.socketFactory", InteropPki.clientContext().getSocketFactory());
        props.put(p + "ssl.checkserveridentity", "true");
        if (implicit) {
            props.put(p + "ssl.enable", "true");
        } else {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        return props;
    }

    private static Session session(Properties props, ByteArrayOutputStream debug) {
        Session session = Session.getInstance(props);
        session.setDebugOut(new PrintStream(debug, true, StandardCharsets.ISO_8859_1));
        session.setDebug(true);
        return session;
    }
}
