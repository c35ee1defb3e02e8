package org.starttls4j.testkit.checks;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.starttls4j.testkit.MailProtocol;

/**
 * A small SMTP, IMAP or POP3 server that fixed the well-known bug but not its sibling, to show that
 * the checks look past the obvious door.
 *
 * <ul>
 *   <li>What a client pipelined after STARTTLS (STLS): the server either {@link Pipelined#DISCARDS}
 *       it and goes on inside TLS (the fix for CVE-2011-0411, as Postfix has it since 2.8.4), or
 *       {@link Pipelined#KEEPS} it and answers it inside TLS (the bug). The first must pass
 *       {@link ServerCheck#COMMAND_INJECTION}, the second fail it, in every protocol.</li>
 *   <li>Login before TLS: it refuses SMTP {@code AUTH PLAIN} (504), IMAP {@code AUTHENTICATE PLAIN}
 *       and POP3 {@code USER}, but takes {@code AUTH LOGIN} (announced before TLS), IMAP
 *       {@code LOGIN} and {@code AUTHENTICATE XOAUTH2} (announced), and POP3 {@code AUTH PLAIN}
 *       (announced as {@code SASL PLAIN}): {@link ServerCheck#COMMANDS_BEFORE_TLS} must fail it.</li>
 * </ul>
 */
final class HalfFixedServer implements AutoCloseable {

    /** What the server does with plaintext that followed STARTTLS in the same read. */
    enum Pipelined { DISCARDS, KEEPS }

    private final MailProtocol protocol;
    private final Pipelined pipelined;
    private final SSLContext context;
    private final String[] tlsVersions;
    private final LoopbackListener listener;

    HalfFixedServer(MailProtocol protocol, Pipelined pipelined, SSLContext context) throws IOException {
        this(protocol, pipelined, context, new String[0]);
    }

    /** As above, speaking only {@code tlsVersions} (e.g. {@code TLSv1.3}) when some are given. */
    HalfFixedServer(MailProtocol protocol, Pipelined pipelined, SSLContext context, String... tlsVersions) throws IOException {
        this.protocol = protocol;
        this.pipelined = pipelined;
        this.context = context;
        this.tlsVersions = tlsVersions.clone();
        this.listener = new LoopbackListener("half-fixed-server", this::serve);
    }

    int port() {
        return listener.port();
    }

    private void serve(Socket accepted) {
        try (accepted) {
            BufferedReader in = reader(accepted.getInputStream());
            OutputStream out = accepted.getOutputStream();
            write(out, switch (protocol) {
                case SMTP -> "220 pipeline ESMTP\r\n";
                case IMAP -> "* OK pipeline ready\r\n";
                default -> "+OK pipeline ready\r\n";
            });
            boolean secure = false;
            String authenticating = null; // the IMAP tag of an AUTHENTICATE waiting for its continuation
            String line;
            while ((line = in.readLine()) != null) {
                if (authenticating != null) {
                    write(out, authenticating + "BAD AUTHENTICATE cancelled\r\n");
                    authenticating = null;
                    continue;
                }
                String[] words = line.split(" ", 3);
                String tag = protocol == MailProtocol.IMAP ? words[0] + " " : "";
                String verb = words[protocol == MailProtocol.IMAP && words.length > 1 ? 1 : 0].toUpperCase(Locale.ROOT);
                if (verb.equals(protocol.startTlsCommand()) && !secure) {
                    StringBuilder buffered = new StringBuilder();
                    while (in.ready()) { // what arrived with STARTTLS, before the client could have seen the go-ahead
                        buffered.append((char) in.read());
                    }
                    write(out, tag + (protocol == MailProtocol.SMTP ? "220 Go ahead\r\n" : protocol == MailProtocol.IMAP ? "OK Begin TLS\r\n" : "+OK Begin TLS\r\n"));
                    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, accepted.getPort(), true);
                    tls.setUseClientMode(false);
                    if (tlsVersions.length > 0) {
                        tls.setEnabledProtocols(tlsVersions);
                    }
                    tls.startHandshake();
                    out = tls.getOutputStream();
                    InputStream kept = new ByteArrayInputStream(pipelined == Pipelined.KEEPS
                            ? buffered.toString().getBytes(StandardCharsets.ISO_8859_1) : new byte[0]);
                    in = reader(new SequenceInputStream(kept, tls.getInputStream()));
                    secure = true;
                    continue;
                }
                String reply = switch (protocol) {
                    case SMTP -> switch (verb) {
                        case "EHLO" -> "250-pipeline\r\n" + (secure ? "" : "250-STARTTLS\r\n250-AUTH LOGIN\r\n") + "250 8BITMIME\r\n";
                        case "MAIL" -> "530 5.7.0 Must issue a STARTTLS command first\r\n";
                        case "AUTH" -> line.toUpperCase(Locale.ROOT).startsWith("AUTH LOGIN") ? "334 VXNlcm5hbWU6\r\n"
                                : "504 5.5.4 Unrecognized authentication type\r\n";
                        case "*" -> "501 5.7.0 Authentication cancelled\r\n";
                        case "NOOP" -> "250 2.0.0 OK\r\n";
                        case "QUIT" -> "221 2.0.0 Bye\r\n";
                        default -> "502 5.5.1 Not here\r\n";
                    };
                    case IMAP -> switch (verb) {
                        case "CAPABILITY" -> "* CAPABILITY IMAP4rev1" + (secure ? "" : " STARTTLS AUTH=XOAUTH2") + "\r\n" + tag + "OK CAPABILITY done\r\n";
                        case "NOOP" -> tag + "OK NOOP done\r\n";
                        case "AUTHENTICATE" -> line.toUpperCase(Locale.ROOT).endsWith(" XOAUTH2") ? "+ \r\n"
                                : tag + "NO [PRIVACYREQUIRED] Not before TLS\r\n";
                        case "LOGIN" -> tag + "OK LOGIN done\r\n";
                        case "LOGOUT" -> "* BYE pipeline\r\n" + tag + "OK LOGOUT done\r\n";
                        default -> tag + "BAD Not here\r\n";
                    };
                    default -> switch (verb) {
                        case "CAPA" -> "+OK\r\nUSER\r\n" + (secure ? "" : "STLS\r\nSASL PLAIN\r\n") + ".\r\n";
                        case "USER" -> secure ? "+OK\r\n" : "-ERR [AUTH] Not before TLS\r\n";
                        case "AUTH" -> "+ \r\n";
                        case "QUIT" -> "+OK Bye\r\n";
                        default -> "-ERR Not here\r\n"; // NOOP too: it belongs to the TRANSACTION state (RFC 1939)
                    };
                };
                if (reply.startsWith("+ ") && protocol == MailProtocol.IMAP) {
                    authenticating = tag;
                }
                write(out, reply);
                if (verb.equals("QUIT") || verb.equals("LOGOUT")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
