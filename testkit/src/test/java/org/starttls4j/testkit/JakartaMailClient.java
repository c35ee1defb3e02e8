package org.starttls4j.testkit;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import javax.net.ssl.SSLContext;

/**
 * Jakarta Mail (Eclipse Angus 2.0.5) as the client under test: STARTTLS required
 * ({@code mail.<proto>.starttls.required=true}) or implicit TLS, trusting only the given context,
 * checking the server's name, with short timeouts so that a hanging server ends the session.
 */
public final class JakartaMailClient {

    static final String TIMEOUT_MILLIS = "4000";

    private JakartaMailClient() {
    }

    /** Sends one message with AUTH as alice. */
    public static void send(String host, int port, SSLContext trust, boolean implicit, String to, String subject) throws Exception {
        String protocol = implicit ? "smtps" : "smtp";
        Properties props = properties(protocol, host, port, trust, implicit);
        props.put("mail." + protocol + ".auth", "true");
        props.put("mail." + protocol + ".localhost", "client.example.test");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@example.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("Hello from Jakarta Mail\n", "US-ASCII");
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect("alice", "secret-password");
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /** Logs in as alice, opens INBOX read-only and returns its message count. */
    public static int readInbox(String storeProtocol, String host, int port, SSLContext trust, boolean implicit) throws Exception {
        String protocol = implicit ? storeProtocol + "s" : storeProtocol;
        Session session = Session.getInstance(properties(protocol, host, port, trust, implicit));
        try (Store store = session.getStore(protocol)) {
            store.connect("alice", "secret-password");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                return inbox.getMessageCount();
            } finally {
                inbox.close(false);
            }
        }
    }

    /** One session of {@code protocol} (smtp, imap, pop3) with implicit TLS ({@code mail.<proto>s.ssl.enable}); throws what Angus throws. */
    public static void implicitSession(MailProtocol protocol, String host, int port, SSLContext trust) throws Exception {
        if (protocol == MailProtocol.SMTP) {
            send(host, port, trust, true, "bob@example.test", "starttls4j testkit");
        } else {
            readInbox(protocol.lowerName(), host, port, trust, true);
        }
    }

    /** One session of {@code protocol} (smtp, imap, pop3) with STARTTLS required; returns nothing, throws what Angus throws. */
    public static void session(MailProtocol protocol, String host, int port, SSLContext trust) throws Exception {
        if (protocol == MailProtocol.SMTP) {
            send(host, port, trust, false, "bob@example.test", "starttls4j testkit");
        } else {
            readInbox(protocol.lowerName(), host, port, trust, false);
        }
    }

    private static Properties properties(String protocol, String host, int port, SSLContext trust, boolean implicit) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put(p + "host", host);
        props.put(p + "port", Integer.toString(port));
        props.put(p + "connectiontimeout", TIMEOUT_MILLIS);
        props.put(p + "timeout", TIMEOUT_MILLIS);
        props.put(p + "writetimeout", TIMEOUT_MILLIS);
        props.put(p + "ssl.socketFactory", trust.getSocketFactory());
        props.put(p + "ssl.checkserveridentity", "true");
        if (implicit) {
            props.put(p + "ssl.enable", "true");
        } else {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        return props;
    }
}
