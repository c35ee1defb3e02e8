package org.starttls4j.testkit.checks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.starttls4j.testkit.MailProtocol;

/**
 * Runs {@link ServerCheck}s against a STARTTLS server (any {@link MailProtocol}) at any host and port: the hostile client of
 * {@code starttls4j audit}, as a library. Each check opens its own connections and ends in a
 * {@link CheckResult}; nothing here throws because of what the server does.
 *
 * <pre>{@code
 * ServerAudit audit = ServerChecks.against(MailProtocol.SMTP, "127.0.0.1", port).runAll();
 * assertThat(audit).passed(ServerCheck.COMMAND_INJECTION, ServerCheck.SECOND_STARTTLS);
 * }</pre>
 */
public final class ServerChecks {

    private static final int ONE_MIB = 1 << 20;
    private static final int JUNK_COMMANDS = 4096;

    private final MailProtocol protocol;
    private final InetSocketAddress address;
    private final InetAddress source;
    private final String serverName;
    private final String clientName;
    private final Duration timeout;
    private final Duration idleLimit;
    private final int idleConnections;
    private final boolean publicMx;

    private ServerChecks(Builder b) {
        this.protocol = b.protocol;
        this.address = new InetSocketAddress(b.host, b.port);
        this.source = b.source;
        this.serverName = b.serverName;
        this.clientName = b.clientName;
        this.timeout = b.timeout;
        this.idleLimit = b.idleLimit;
        this.idleConnections = b.idleConnections;
        this.publicMx = b.publicMx;
    }

    /**
     * Checks for the server at {@code host:port}, with the defaults (SNI {@code localhost}, 5 s
     * timeout, 20 idle connections, 10 s idle limit); {@link Builder} changes them.
     *
     * @param protocol the protocol the server speaks, with STARTTLS
     * @param host     its address
     * @param port     its port
     * @return the builder; {@link Builder#runAll()} runs every check
     */
    public static Builder against(MailProtocol protocol, String host, int port) {
        return new Builder(protocol, host, port);
    }

    private ServerAudit run(List<ServerCheck> checks) {
        List<CheckResult> results = new ArrayList<>();
        for (ServerCheck check : checks) {
            results.add(run(check));
        }
        return new ServerAudit(protocol, address.getHostString() + ":" + address.getPort(), results);
    }

    private CheckResult run(ServerCheck check) {
        try {
            return switch (check) {
                case COMMAND_INJECTION -> commandInjection();
                case SECOND_STARTTLS -> secondStartTls();
                case COMMANDS_BEFORE_TLS -> commandsBeforeTls();
                case OVER_LONG_LINE -> overLongLine();
                case RENEGOTIATION -> renegotiation();
                case AMPLIFICATION -> amplification();
                case IDLE_CONNECTIONS -> idleConnections();
            };
        } catch (IOException e) {
            return new CheckResult(check, Verdict.WARN, "not tested: " + e);
        }
    }

    private RawDialog open() throws IOException {
        return RawDialog.open(protocol, source, address, serverName, clientName, timeout);
    }

    private String word() {
        return protocol.startTlsCommand();
    }

    // ---------------------------------------------------------------- COMMAND_INJECTION

    private CheckResult commandInjection() throws IOException {
        ServerCheck check = ServerCheck.COMMAND_INJECTION;
        try (RawDialog d = open()) {
            d.greeting();
            d.capabilities();
            String injectedTag = d.peekTag(2);
            List<String> reply;
            try {
                reply = d.startTls(d.harmless(injectedTag));
                d.nextTag(); // the injected NOOP holds this tag: the goodbye must not reuse it, or its OK reads as the NOOP's
            } catch (EOFException e) {
                return new CheckResult(check, Verdict.PASS, "the server closed the connection when plaintext followed " + word()
                        + " (nothing was acted on)");
            }
            if (!d.positive(reply)) {
                return new CheckResult(check, Verdict.PASS, word() + " with a pipelined command was refused: " + reply.get(reply.size() - 1));
            }
            try {
                d.upgrade();
            } catch (SSLException e) {
                String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                if (message.contains("plaintext") || message.contains("unrecognized") || message.contains("unsupported")) {
                    return new CheckResult(check, Verdict.WARN, "the server answered the pipelined command in plaintext instead of starting TLS");
                }
                return new CheckResult(check, Verdict.PASS, "the server did not complete TLS after the pipelined command (" + e.getMessage() + ")");
            } catch (IOException e) {
                return new CheckResult(check, Verdict.PASS, "the server dropped the connection after the pipelined command (" + e.getMessage() + ")");
            }
            d.write(d.goodbye());
            List<String> after = d.linesUntilClosed();
            List<String> answered = new ArrayList<>();
            switch (protocol) {
                case SMTP, LMTP -> {
                    // every reply's last line; the goodbye's is the 221, anything before answered the injected NOOP
                    for (String line : after) {
                        if (line.length() >= 4 && line.charAt(3) == ' ' && !line.startsWith("221")) {
                            answered.add(line);
                        }
                    }
                }
                case IMAP -> after.stream().filter(l -> l.regionMatches(true, 0, injectedTag + " ", 0, injectedTag.length() + 1))
                        .forEach(answered::add);
                case POP3 -> {
                    List<String> statuses = after.stream().filter(RawDialog::isPop3Status).toList();
                    if (statuses.size() > 1) {
                        answered.add(statuses.get(0));
                    }
                }
                case SIEVE -> {
                    // the unsolicited capabilities were read by the upgrade; then LOGOUT's OK, unless NOOP's came first
                    List<String> statuses = after.stream().filter(RawDialog::isSieveStatus).toList();
                    if (statuses.size() > 1) {
                        answered.add(statuses.get(0));
                    }
                }
                case NNTP -> after.stream().takeWhile(l -> !l.startsWith("205")).forEach(answered::add);
            }
            return answered.isEmpty()
                    ? new CheckResult(check, Verdict.PASS, "NOOP pipelined after " + word() + " was not acted on inside TLS")
                    : new CheckResult(check, Verdict.FAIL, "the server acted on plaintext pipelined after " + word()
                    + ": NOOP was answered inside TLS (" + answered.get(0) + ")");
        }
    }

    // ---------------------------------------------------------------- SECOND_STARTTLS

    private CheckResult secondStartTls() throws IOException {
        ServerCheck check = ServerCheck.SECOND_STARTTLS;
        try (RawDialog d = open()) {
            d.greeting();
            d.capabilities();
            List<String> first = d.startTls("");
            if (!d.positive(first)) {
                return new CheckResult(check, Verdict.WARN, "not tested: the first " + word() + " was refused: " + first.get(first.size() - 1));
            }
            d.upgrade();
            if (protocol == MailProtocol.SMTP || protocol == MailProtocol.LMTP) {
                d.capabilities();
            }
            List<String> second;
            try {
                second = d.startTls("");
            } catch (IOException e) {
                return new CheckResult(check, Verdict.PASS, "the server closed the connection on a second " + word() + " (" + e.getMessage() + ")");
            }
            String last = second.get(second.size() - 1);
            return d.positive(second)
                    ? new CheckResult(check, Verdict.FAIL, "a second " + word() + " inside TLS got a go-ahead: " + last)
                    : new CheckResult(check, Verdict.PASS, "a second " + word() + " inside TLS was refused: " + last);
        }
    }

    // ---------------------------------------------------------------- COMMANDS_BEFORE_TLS

    private CheckResult commandsBeforeTls() throws IOException {
        try (RawDialog d = open()) {
            d.greeting();
            List<String> capabilities = d.capabilities();
            List<CheckResult> results = new ArrayList<>();
            switch (protocol) {
                case SMTP -> {
                    results.add(smtpMail(d));
                    results.add(smtpAuth(d, capabilities));
                }
                case LMTP -> results.add(smtpMail(d));
                case IMAP -> {
                    for (String mechanism : saslMechanisms(protocol, capabilities)) {
                        results.add(imapAuthenticate(d, mechanism));
                    }
                    results.add(imapLogin(d, capabilities));
                }
                case POP3 -> {
                    String reply = d.command("USER checker").get(0);
                    results.add(d.positive(List.of(reply)) ? fail("USER accepted before TLS (" + reply + "): PASS could follow in plaintext")
                            : pass("USER refused before TLS (" + reply + ")"));
                    for (String mechanism : saslMechanisms(protocol, capabilities)) {
                        results.add(pop3Auth(d, mechanism));
                    }
                }
                case SIEVE -> {
                    for (String mechanism : saslMechanisms(protocol, capabilities)) {
                        results.add(sieveAuthenticate(d, mechanism));
                    }
                }
                case NNTP -> {
                    String reply = d.command("AUTHINFO USER checker").get(0);
                    boolean accepted = reply.startsWith("381") || reply.startsWith("281");
                    results.add(accepted ? fail("AUTHINFO USER accepted before TLS (" + reply + "): AUTHINFO PASS could follow in plaintext")
                            : pass("AUTHINFO USER refused before TLS (" + reply + ")"));
                }
            }
            Verdict worst = results.stream().map(CheckResult::verdict).max(Enum::compareTo).orElse(Verdict.PASS);
            String evidence = String.join("; ", results.stream().map(CheckResult::evidence).toList());
            if (worst == Verdict.FAIL && d.fromServersOwnAddress()) {
                // a login or mail taken: Dovecot counts a client on its own address as secure and lets it log in without TLS
                evidence += " (the check came from the server's own address, " + d.socket().getLocalAddress().getHostAddress()
                        + ", which some servers count as secure, Dovecot among them: check from another address"
                        + " to see what a remote client gets)";
            }
            return new CheckResult(ServerCheck.COMMANDS_BEFORE_TLS, worst, evidence);
        }
    }

    /**
     * MAIL before TLS: refused on submission (FAIL if accepted); accepted on a public MX, which
     * must take mail without TLS (RFC 3207 §4: WARN if refused with 530); LMTP accepting it is a
     * WARN (it usually runs on a trusted network).
     */
    private CheckResult smtpMail(RawDialog d) throws IOException {
        List<String> reply = d.command("MAIL FROM:<>");
        String last = reply.get(reply.size() - 1);
        boolean refused = !last.startsWith("2");
        if (!refused) {
            d.command("RSET");
        }
        if (protocol == MailProtocol.LMTP) {
            return refused ? pass("MAIL refused before TLS (" + last + ")")
                    : new CheckResult(ServerCheck.COMMANDS_BEFORE_TLS, Verdict.WARN, "MAIL accepted before TLS (" + last
                    + "): mail can be delivered in plaintext");
        }
        if (publicMx) {
            return !refused ? pass("MAIL accepted before TLS, as a public MX must (submission:// would require a refusal)")
                    : new CheckResult(ServerCheck.COMMANDS_BEFORE_TLS, last.startsWith("530") ? Verdict.WARN : Verdict.PASS,
                    "MAIL refused before TLS (" + last + "); a public MX on port 25 must accept mail without TLS (RFC 3207 §4)");
        }
        return refused ? pass("MAIL refused before TLS (" + last + ")")
                : fail("MAIL accepted before TLS (" + last + "): mail could be submitted in plaintext");
    }

    /**
     * AUTH before TLS: PLAIN, and every other mechanism the EHLO reply announced (a server that
     * answers PLAIN with 504 may still take LOGIN); each exchange is cancelled before a credential.
     */
    private CheckResult smtpAuth(RawDialog d, List<String> ehlo) throws IOException {
        List<String> refusals = new ArrayList<>();
        for (String mechanism : saslMechanisms(protocol, ehlo)) {
            List<String> auth = d.command("AUTH " + mechanism);
            String last = auth.get(auth.size() - 1);
            if (d.positive(auth)) {
                d.write("*\r\n"); // RFC 4954 §4: cancel; no credentials are ever sent
                d.smtpReply();
                refusals.add("AUTH " + mechanism + " accepted before TLS (" + last + "): credentials could be sent in plaintext");
                return fail(String.join("; ", refusals));
            }
            refusals.add("AUTH " + mechanism + " refused before TLS (" + last + ")");
        }
        return pass(String.join("; ", refusals));
    }

    /**
     * PLAIN, then the SASL mechanisms the capabilities announce (SMTP {@code 250-AUTH LOGIN CRAM-MD5}
     * or the old {@code AUTH=LOGIN}; IMAP {@code AUTH=LOGIN}; POP3 {@code SASL LOGIN}; ManageSieve
     * {@code "SASL" "LOGIN"}), at most four in all: a server that refuses PLAIN may take another.
     */
    static List<String> saslMechanisms(MailProtocol protocol, List<String> capabilities) {
        List<String> mechanisms = new ArrayList<>(List.of("PLAIN"));
        for (String line : capabilities) {
            String upper = line.toUpperCase(Locale.ROOT);
            List<String> announced = switch (protocol) {
                case SMTP, LMTP -> {
                    String keywords = upper.length() > 4 ? upper.substring(4) : "";
                    yield keywords.startsWith("AUTH ") || keywords.startsWith("AUTH=") ? List.of(keywords.substring(5).trim().split("\\s+"))
                            : List.of();
                }
                case IMAP -> upper.startsWith("* CAPABILITY ") ? Arrays.stream(upper.split("\\s+")).filter(w -> w.startsWith("AUTH="))
                        .map(w -> w.substring(5)).toList() : List.of();
                case POP3 -> upper.startsWith("SASL ") ? List.of(upper.substring(5).trim().split("\\s+")) : List.of();
                case SIEVE -> upper.startsWith("\"SASL\" ") ? List.of(upper.substring(7).replace("\"", "").trim().split("\\s+")) : List.of();
                case NNTP -> List.of();
            };
            for (String mechanism : announced) {
                if (mechanism.matches("[A-Z0-9_-]{1,20}") && !mechanisms.contains(mechanism) && mechanisms.size() < 4) {
                    mechanisms.add(mechanism);
                }
            }
        }
        return mechanisms;
    }

    /** IMAP AUTHENTICATE before TLS: a continuation is an acceptance (cancelled at once, RFC 9051 §6.2.2). */
    private CheckResult imapAuthenticate(RawDialog d, String mechanism) throws IOException {
        String named = mechanism.equals("PLAIN") ? "AUTHENTICATE" : "AUTHENTICATE " + mechanism;
        String t = d.nextTag();
        d.write(t + " AUTHENTICATE " + mechanism + "\r\n");
        List<String> reply = d.imapUntilTagged(t);
        String last = reply.get(reply.size() - 1);
        if (!last.startsWith("+")) {
            return pass(named + " refused before TLS (" + last + ")");
        }
        d.write("*\r\n"); // cancel; no credentials are ever sent
        d.imapUntilTagged(t);
        return fail("AUTHENTICATE " + mechanism + " accepted before TLS (continuation request '" + last
                + "'); credentials could be sent in plaintext");
    }

    /** POP3 AUTH before TLS (RFC 5034): a continuation is an acceptance (cancelled at once). */
    private CheckResult pop3Auth(RawDialog d, String mechanism) throws IOException {
        String reply = d.command("AUTH " + mechanism).get(0);
        if (!reply.startsWith("+")) {
            return pass("AUTH " + mechanism + " refused before TLS (" + reply + ")");
        }
        d.write("*\r\n"); // RFC 5034 §4: cancel; no credentials are ever sent
        d.line();
        return fail("AUTH " + mechanism + " accepted before TLS (continuation '" + reply + "'); credentials could be sent in plaintext");
    }

    /** ManageSieve AUTHENTICATE before TLS: a continuation (a string) is an acceptance (cancelled at once, RFC 5804 §2.1). */
    private CheckResult sieveAuthenticate(RawDialog d, String mechanism) throws IOException {
        d.write("AUTHENTICATE \"" + mechanism + "\"\r\n");
        String first = d.line();
        if (!first.startsWith("\"") && !first.startsWith("{")) {
            return pass((mechanism.equals("PLAIN") ? "AUTHENTICATE" : "AUTHENTICATE \"" + mechanism + "\"") + " refused before TLS (" + first + ")");
        }
        d.write("\"*\"\r\n"); // cancel; no credentials are ever sent
        d.sieveResponse();
        return fail("AUTHENTICATE \"" + mechanism + "\" accepted before TLS (a continuation); credentials could be sent in plaintext");
    }

    /**
     * IMAP LOGIN before TLS, with made-up credentials (never a real user's): refused with
     * {@code [PRIVACYREQUIRED]} (RFC 5530) or under {@code LOGINDISABLED} (RFC 9051 §6.2.3) it
     * passes; accepted it fails; refused with no sign that TLS is the reason (e.g.
     * {@code [AUTHENTICATIONFAILED]}) the server may have checked the credentials, so a real user's
     * would log in in plaintext: a WARN, as the reply alone cannot tell.
     */
    private CheckResult imapLogin(RawDialog d, List<String> capabilities) throws IOException {
        String t = d.nextTag();
        d.write(t + " LOGIN checker not-a-password\r\n");
        List<String> reply = d.imapUntilTagged(t);
        String last = reply.get(reply.size() - 1);
        if (d.positive(reply)) {
            return fail("LOGIN with made-up credentials accepted before TLS (" + last + ")");
        }
        boolean loginDisabled = capabilities.stream().anyMatch(l -> l.toUpperCase(Locale.ROOT).matches("\\* CAPABILITY .*\\bLOGINDISABLED\\b.*"));
        if (loginDisabled || last.toUpperCase(Locale.ROOT).contains("[PRIVACYREQUIRED]")) {
            return pass("LOGIN refused before TLS (" + last + (loginDisabled ? "; LOGINDISABLED announced" : "") + ")");
        }
        return new CheckResult(ServerCheck.COMMANDS_BEFORE_TLS, Verdict.WARN, "LOGIN with made-up credentials refused before TLS (" + last
                + ") with no sign that TLS is the reason (no LOGINDISABLED, no [PRIVACYREQUIRED]): the server may have checked them,"
                + " and a real user's would log in in plaintext");
    }

    private static CheckResult pass(String evidence) {
        return new CheckResult(ServerCheck.COMMANDS_BEFORE_TLS, Verdict.PASS, evidence);
    }

    private static CheckResult fail(String evidence) {
        return new CheckResult(ServerCheck.COMMANDS_BEFORE_TLS, Verdict.FAIL, evidence);
    }

    // ---------------------------------------------------------------- OVER_LONG_LINE

    private CheckResult overLongLine() throws IOException {
        ServerCheck check = ServerCheck.OVER_LONG_LINE;
        try (RawDialog d = open()) {
            d.greeting();
            // the same command, short: a refusal of the long line means a bound only if the short one is not refused alike
            // (POP3 has no NOOP before login, NNTP none at all: both refuse it at any length)
            List<String> control = d.command("NOOP x");
            String shortAnswer = control.get(control.size() - 1);
            OutputStream out = d.socket().getOutputStream();
            String prefix = protocol == MailProtocol.IMAP ? "K1 NOOP " : "NOOP ";
            byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            try {
                out.write(prefix.getBytes(StandardCharsets.US_ASCII));
                while (sent < ONE_MIB) {
                    out.write(chunk);
                    sent += chunk.length;
                }
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                return new CheckResult(check, Verdict.PASS, "the server closed the connection after " + String.format(Locale.ROOT, "%,d", sent)
                        + " bytes of one line");
            }
            String answer;
            try {
                answer = d.line();
            } catch (SocketTimeoutException e) {
                return new CheckResult(check, Verdict.FAIL, "no answer within " + timeout.toSeconds() + " s to a line of 1 MiB");
            } catch (IOException e) {
                return new CheckResult(check, Verdict.PASS, "the server closed the connection on a line of 1 MiB (" + e.getMessage() + ")");
            }
            boolean positive = d.positive(List.of(answer)) && !answer.startsWith("+ ");
            if (positive) {
                return new CheckResult(check, Verdict.WARN, "a command line of 1 MiB was answered as a command (" + answer
                        + "): either truncated at a bound and the rest skipped, or kept whole; the reply cannot tell");
            }
            if (untagged(answer).equals(untagged(shortAnswer))) {
                return new CheckResult(check, Verdict.WARN, "a command line of 1 MiB was refused just as the same command, short, was ("
                        + answer + "): the refusal says nothing of the line's length, which may have been read whole");
            }
            return new CheckResult(check, Verdict.PASS, "a command line of 1 MiB was refused: " + answer + " (the short one got: " + shortAnswer + ")");
        }
    }

    /** An answer without its IMAP tag, so that the answers to two commands compare. */
    private String untagged(String answer) {
        return protocol == MailProtocol.IMAP && answer.indexOf(' ') > 0 ? answer.substring(answer.indexOf(' ') + 1) : answer;
    }

    // ---------------------------------------------------------------- RENEGOTIATION

    private CheckResult renegotiation() throws IOException {
        ServerCheck check = ServerCheck.RENEGOTIATION;
        try (RawDialog d = open()) {
            d.greeting();
            d.capabilities();
            List<String> reply = d.startTls("");
            if (!d.positive(reply)) {
                return new CheckResult(check, Verdict.WARN, "not tested: " + word() + " was refused: " + reply.get(reply.size() - 1));
            }
            // The JDK reports handshakes on a thread of its own, the first one included: wait for two with a latch.
            CountDownLatch handshakes = new CountDownLatch(2);
            SSLSocket tls;
            try {
                tls = d.upgrade(event -> handshakes.countDown(), "TLSv1.2");
            } catch (IOException e) {
                return tls13Only() ? new CheckResult(check, Verdict.PASS, "the server speaks TLS 1.3 only, which has no renegotiation"
                        + " (RFC 8446 §4); a TLS 1.2 handshake failed (" + e.getMessage() + ")")
                        : new CheckResult(check, Verdict.WARN, "not tested: no TLS 1.2 handshake (" + e.getMessage() + ")");
            }
            try {
                tls.startHandshake(); // on an established TLS 1.2 session: a renegotiation
                List<String> answer = d.command(protocol == MailProtocol.POP3 ? "CAPA" : "NOOP");
                String last = answer.get(answer.size() - 1);
                if (await(handshakes)) {
                    return new CheckResult(check, Verdict.FAIL, "the server renegotiated at the client's request (then answered '" + last + "')");
                }
                return new CheckResult(check, Verdict.PASS, "the renegotiation was declined and the session went on ('" + last + "')");
            } catch (IOException e) {
                return await(handshakes)
                        ? new CheckResult(check, Verdict.FAIL, "the server renegotiated at the client's request, then: " + e.getMessage())
                        : new CheckResult(check, Verdict.PASS, "the server refused the renegotiation (" + e.getMessage() + ")");
            }
        }
    }

    /** Whether a fresh connection, offering every version, gets TLS 1.3 (after a TLS 1.2 handshake failed). */
    private boolean tls13Only() {
        try (RawDialog d = open()) {
            d.greeting();
            d.capabilities();
            return d.positive(d.startTls("")) && d.upgrade().getSession().getProtocol().equals("TLSv1.3");
        } catch (IOException e) {
            return false;
        }
    }

    private boolean await(CountDownLatch latch) {
        try {
            return latch.await(Math.min(timeout.toMillis(), 2000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---------------------------------------------------------------- AMPLIFICATION

    private CheckResult amplification() throws IOException {
        ServerCheck check = ServerCheck.AMPLIFICATION;
        try (RawDialog d = open()) {
            d.greeting();
            StringBuilder junk = new StringBuilder();
            for (int i = 0; i < JUNK_COMMANDS; i++) {
                junk.append(protocol == MailProtocol.IMAP ? "J" + i + " XJUNK\r\n" : "XJUNK\r\n");
            }
            byte[] bytes = junk.toString().getBytes(StandardCharsets.US_ASCII);
            try {
                d.socket().getOutputStream().write(bytes);
                d.socket().getOutputStream().flush();
            } catch (IOException e) {
                return new CheckResult(check, Verdict.PASS, "the server closed the connection while the junk arrived (" + e.getMessage() + ")");
            }
            long received = drain(d.socket().getInputStream());
            double ratio = (double) received / bytes.length;
            String evidence = String.format(Locale.ROOT, "%,d junk commands (%,d bytes) drew %,d bytes: %.2f bytes out per byte in",
                    JUNK_COMMANDS, bytes.length, received, ratio);
            Verdict verdict = ratio > 10 ? Verdict.FAIL : ratio > 2 ? Verdict.WARN : Verdict.PASS;
            return new CheckResult(check, verdict, evidence + (verdict == Verdict.PASS ? "" : "; a server should stop answering (and close) after a few errors"));
        }
    }

    /** Reads until the server closes or stays silent for one timeout; returns the byte count. */
    private static long drain(InputStream in) {
        long n = 0;
        byte[] sink = new byte[8192];
        try {
            int r;
            while ((r = in.read(sink)) >= 0) {
                n += r;
            }
        } catch (IOException e) {
            // silent or reset: what arrived is the answer
        }
        return n;
    }

    // ---------------------------------------------------------------- IDLE_CONNECTIONS

    private CheckResult idleConnections() throws IOException {
        ServerCheck check = ServerCheck.IDLE_CONNECTIONS;
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < idleConnections; i++) {
                silent.add(RawDialog.connect(source, address, timeout));
            }
            String greeting;
            try (RawDialog fresh = open()) {
                greeting = fresh.line();
            } catch (IOException e) {
                return new CheckResult(check, Verdict.FAIL, "with " + idleConnections + " silent connections open, a fresh one got no greeting ("
                        + e.getMessage() + ")");
            }
            long deadline = System.nanoTime() + idleLimit.toNanos();
            int closed = 0;
            for (Socket s : silent) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                if (closedBy(s)) {
                    closed++;
                }
            }
            String evidence = "with " + idleConnections + " silent connections open a fresh one was greeted ('" + greeting + "'); the server closed "
                    + closed + " of them within " + idleLimit.toSeconds() + " s";
            return new CheckResult(check, closed == idleConnections ? Verdict.PASS : Verdict.WARN, evidence);
        } finally {
            for (Socket s : silent) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing is all that is left
                }
            }
        }
    }

    /** Whether the server closes {@code s} before its read timeout (the greeting and any farewell are read past). */
    private static boolean closedBy(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] sink = new byte[4096];
            while (in.read(sink) >= 0) {
                // the greeting, then perhaps a timeout notice
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    /** Configures and runs {@link ServerChecks}. */
    public static final class Builder {
        private final MailProtocol protocol;
        private final String host;
        private final int port;
        private InetAddress source;
        private String serverName = "localhost";
        private Duration timeout = Duration.ofSeconds(5);
        private Duration idleLimit = Duration.ofSeconds(10);
        private int idleConnections = 20;
        private String clientName = "checker.starttls4j.test";
        private boolean publicMx;

        private Builder(MailProtocol protocol, String host, int port) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
        }

        /**
         * The name sent in SNI (certificates are not judged by these checks).
         *
         * @param value the name; default {@code localhost}
         * @return this builder
         */
        public Builder serverName(String value) {
            this.serverName = Objects.requireNonNull(value, "serverName");
            return this;
        }

        /**
         * The local address the checks connect from. A server may count a client on its own address
         * as secure (Dovecot lets it log in without TLS): to see what a remote client gets, check from
         * another address, e.g. {@code 127.0.0.2} for a server on {@code 127.0.0.1}.
         *
         * @param value a local address (name or literal); default: whichever the system picks
         * @return this builder
         * @throws IllegalArgumentException when the name does not resolve
         */
        public Builder sourceAddress(String value) {
            try {
                this.source = InetAddress.getByName(Objects.requireNonNull(value, "sourceAddress"));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("no such address: " + value, e);
            }
            return this;
        }

        /**
         * The name the checks give in EHLO and LHLO.
         *
         * @param value the name; default {@code checker.starttls4j.test}
         * @return this builder
         */
        public Builder clientName(String value) {
            this.clientName = Objects.requireNonNull(value, "clientName");
            return this;
        }

        /**
         * Whether the server is a public MX (SMTP on port 25), which must accept mail without TLS
         * (RFC 3207 §4): {@link ServerCheck#COMMANDS_BEFORE_TLS} then expects MAIL to be accepted
         * before TLS, and warns when it is refused with 530 (AUTH must still be refused).
         *
         * @param value whether it is; default false (submission)
         * @return this builder
         */
        public Builder publicMx(boolean value) {
            this.publicMx = value;
            return this;
        }

        /**
         * How long to wait for each answer; silence for this long ends a read.
         *
         * @param value the timeout; default 5 s
         * @return this builder
         */
        public Builder timeout(Duration value) {
            this.timeout = Objects.requireNonNull(value, "timeout");
            return this;
        }

        /**
         * How soon the server should close silent connections for {@link ServerCheck#IDLE_CONNECTIONS} to pass.
         *
         * @param value the limit; default 10 s
         * @return this builder
         */
        public Builder idleLimit(Duration value) {
            this.idleLimit = Objects.requireNonNull(value, "idleLimit");
            return this;
        }

        /**
         * How many silent connections {@link ServerCheck#IDLE_CONNECTIONS} opens.
         *
         * @param value the count; default 20
         * @return this builder
         */
        public Builder idleConnections(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("at least one idle connection");
            }
            this.idleConnections = value;
            return this;
        }

        /**
         * Runs one check.
         *
         * @param check the check
         * @return its result
         */
        public CheckResult run(ServerCheck check) {
            return new ServerChecks(this).run(Objects.requireNonNull(check, "check"));
        }

        /**
         * Runs some checks, in the order given.
         *
         * @param checks the checks
         * @return their results
         */
        public ServerAudit run(ServerCheck... checks) {
            return new ServerChecks(this).run(Arrays.asList(checks));
        }

        /**
         * Runs every check, in declaration order.
         *
         * @return the results
         */
        public ServerAudit runAll() {
            return run(ServerCheck.values());
        }
    }
}
