package org.starttls4j.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testkit.Credentials;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.Recording;

/** The reference servers' application, line by line, without sockets (moved here with it from the command line). */
class ConversationTest {

    private static Conversation open(MailProtocol p, boolean encrypted) {
        return open(p, encrypted, null);
    }

    private static Conversation open(MailProtocol p, boolean encrypted, Recording recording) {
        ServerConfig config = ServerConfig.builder().policy(TlsPolicy.OPPORTUNISTIC).hostname("mx.example.test")
                .capabilitiesBeforeTls(Conversation.capabilities(p, false)).capabilitiesAfterTls(Conversation.capabilities(p, true))
                .build();
        return Conversation.open(p, recording, 1, encrypted ? Layer.TLS : Layer.PLAINTEXT, new Conversation.Profile(config, false));
    }

    private static String say(Conversation c, String line) {
        return c.onLine(line).send();
    }

    @Test
    void smtpTransactionOrderIsEnforced() {
        Conversation c = open(MailProtocol.SMTP, true);

        assertThat(say(c, "DATA")).startsWith("503 5.5.1 Error: need RCPT");
        assertThat(say(c, "MAIL")).startsWith("501");
        assertThat(say(c, "MAIL FROM:<>")).startsWith("250 2.1.0");
        assertThat(say(c, "RCPT bob")).startsWith("501");
        assertThat(say(c, "RCPT TO:<bob@example.test>")).startsWith("250 2.1.5");
        assertThat(say(c, "RSET")).startsWith("250");
        assertThat(say(c, "DATA")).startsWith("503");
        assertThat(say(c, "EHLO")).startsWith("501");
        assertThat(say(c, "HELO client")).isEqualTo("250 mx.example.test\r\n");
        assertThat(say(c, "VRFY bob")).startsWith("252");
        assertThat(say(c, "AUTH CRAM-MD5")).startsWith("504");
        assertThat(say(c, "WHAT")).startsWith("500");
        assertThat(c.onLine("QUIT")).isEqualTo(new Conversation.Answer("221 2.0.0 Bye\r\n", true));
    }

    @Test
    void smtpInPlaintextRefusesAuthAndOffersNoAuth() {
        Conversation c = open(MailProtocol.SMTP, false);

        assertThat(say(c, "EHLO client")).contains("250 ENHANCEDSTATUSCODES").doesNotContain("AUTH", "STARTTLS");
        assertThat(say(c, "AUTH PLAIN AGFsaWNlAHNlY3JldA==")).startsWith("538 5.7.11");
        assertThat(say(c, "STARTTLS")).startsWith("454");
    }

    @Test
    void smtpEchoesTheEhloArgumentOnlyWhereRfc5321AllowsIt() {
        Conversation c = open(MailProtocol.SMTP, false);

        assertThat(say(c, "EHLO client")).startsWith("250-mx.example.test greets client\r\n");
        // RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; control bytes are never sent back
        assertThat(say(c, "EHLO " + "c".repeat(600))).startsWith("250-mx.example.test\r\n");
        assertThat(say(c, "EHLO c\u0001d")).startsWith("250-mx.example.test\r\n");
    }

    @Test
    void smtpLogMasksEveryCredentialAndTheMessage() {
        Conversation c = open(MailProtocol.SMTP, true);

        assertThat(logThenSay(c, "AUTH PLAIN AGFsaWNlAHNlY3JldA==")).isEqualTo("AUTH PLAIN ****");
        assertThat(logThenSay(c, "AUTH PLAIN")).isEqualTo("AUTH PLAIN");
        assertThat(logThenSay(c, "AGFsaWNlAHNlY3JldA==")).isEqualTo("****");
        assertThat(logThenSay(c, "AUTH LOGIN YWxpY2U=")).isEqualTo("AUTH LOGIN ****");
        assertThat(logThenSay(c, "c2VjcmV0")).isEqualTo("****");
        logThenSay(c, "MAIL FROM:<a@example.test>");
        logThenSay(c, "RCPT TO:<b@example.test>");
        logThenSay(c, "DATA");
        assertThat(logThenSay(c, "Subject: private")).isNull();
        assertThat(logThenSay(c, ".")).isEqualTo("(end of message data, 1 line)");
        assertThat(logThenSay(c, "NOOP")).isEqualTo("NOOP");
    }

    @Test
    void imapStatesAndMasking() {
        Conversation c = open(MailProtocol.IMAP, true);

        assertThat(say(c, "a1 CAPABILITY")).contains("AUTH=PLAIN").doesNotContain("STARTTLS").endsWith("a1 OK CAPABILITY completed\r\n");
        assertThat(say(c, "a2 SELECT INBOX")).isEqualTo("a2 NO Log in first\r\n");
        assertThat(say(c, "a3 LOGIN alice")).startsWith("a3 BAD");
        assertThat(c.logged("a5 LOGIN alice secret")).isEqualTo("a5 LOGIN alice ****");
        assertThat(say(c, "a5 LOGIN alice secret")).startsWith("a5 OK");
        assertThat(say(c, "a6 CLOSE")).startsWith("a6 BAD No mailbox selected");
        assertThat(say(c, "a7 EXAMINE \"INBOX\"")).endsWith("a7 OK [READ-ONLY] EXAMINE completed\r\n");
        assertThat(say(c, "a8 UID SEARCH ALL")).isEqualTo("* SEARCH\r\na8 OK SEARCH completed\r\n");
        assertThat(say(c, "a9 FETCH 1:* FLAGS")).isEqualTo("a9 OK FETCH completed\r\n");
        assertThat(say(c, "b1 STATUS INBOX (MESSAGES)")).startsWith("* STATUS INBOX (MESSAGES 0");
        assertThat(say(c, "b2 UNSELECT")).isEqualTo("b2 OK UNSELECT completed\r\n");
        assertThat(say(c, "b3 ID NIL")).startsWith("* ID (");
        assertThat(say(c, "b4 NAMESPACE")).startsWith("* NAMESPACE ((\"\" \"/\")) NIL NIL");
        assertThat(say(c, "b5 AUTHENTICATE CRAM-MD5")).startsWith("b5 NO");
        assertThat(say(c, "b6 AUTHENTICATE PLAIN")).isEqualTo("+ \r\n");
        assertThat(c.logged("AGFsaWNlAHNlY3JldA==")).isEqualTo("****");
        assertThat(say(c, "*")).isEqualTo("b6 BAD AUTHENTICATE cancelled\r\n");
        assertThat(say(c, "b7 FROB")).isEqualTo("b7 BAD Unknown command\r\n");
        assertThat(say(c, "lonely")).isEqualTo("* BAD Missing command\r\n");
        assertThat(say(c, "{x} NOOP")).isEqualTo("* BAD Invalid tag\r\n");
    }

    @Test
    void imapInPlaintextRefusesLogin() {
        Conversation c = open(MailProtocol.IMAP, false);

        assertThat(say(c, "a1 CAPABILITY")).contains("LOGINDISABLED").doesNotContain("AUTH=", "STARTTLS");
        assertThat(say(c, "a2 LOGIN alice secret")).isEqualTo("a2 NO [PRIVACYREQUIRED] LOGIN only inside TLS\r\n");
        assertThat(say(c, "a3 AUTHENTICATE PLAIN")).startsWith("a3 NO [PRIVACYREQUIRED]");
    }

    @Test
    void pop3StatesAndMasking() {
        Conversation c = open(MailProtocol.POP3, true);

        assertThat(say(c, "PASS x")).isEqualTo("-ERR USER first\r\n");
        assertThat(say(c, "USER")).startsWith("-ERR");
        assertThat(say(c, "AUTH")).isEqualTo("+OK\r\nPLAIN\r\n.\r\n");
        assertThat(say(c, "AUTH PLAIN")).isEqualTo("+ \r\n");
        assertThat(c.logged("AGFsaWNlAHNlY3JldA==")).isEqualTo("****");
        assertThat(say(c, "AGFsaWNlAHNlY3JldA==")).isEqualTo("+OK Logged in\r\n");
        assertThat(say(c, "LIST 1")).startsWith("-ERR No such message");
        assertThat(say(c, "UIDL 1")).startsWith("-ERR No such message");
        assertThat(say(c, "DELE 1")).startsWith("-ERR No such message");
        assertThat(say(c, "RSET")).isEqualTo("+OK\r\n");
        assertThat(say(c, "XYZZY")).startsWith("-ERR Unknown");
        assertThat(c.logged("AUTH PLAIN AGFsaWNl")).isEqualTo("AUTH PLAIN ****");
        assertThat(c.onLine("QUIT").close()).isTrue();
    }

    @Test
    void pop3InPlaintextOffersNoLogin() {
        Conversation c = open(MailProtocol.POP3, false);

        String capa = say(c, "CAPA");
        assertThat(capa.split("\r\n")).contains("UIDL", ".").doesNotContain("USER", "SASL PLAIN", "STLS");
        assertThat(say(c, "AUTH PLAIN")).startsWith("-ERR [AUTH]");
    }

    @Test
    void negotiationLinesAreMaskedToo() {
        for (String[] pair : List.of(
                new String[] {"PASS hunter2", "PASS ****"},
                new String[] {"AUTH PLAIN AGFsaWNl", "AUTH PLAIN ****"},
                new String[] {"AUTH LOGIN", "AUTH LOGIN"},
                new String[] {"A1 LOGIN alice hunter2", "A1 LOGIN alice ****"},
                new String[] {"A2 AUTHENTICATE PLAIN AGFsaWNl", "A2 AUTHENTICATE PLAIN ****"},
                new String[] {"EHLO client", "EHLO client"})) {
            assertThat(Conversation.maskCommand(pair[0])).isEqualTo(pair[1]);
        }
    }

    @Test
    void imapLoginWithSynchronizingLiteralsAsksForEachAndRecordsTheCredentials() {
        Recording recording = new Recording(MailProtocol.IMAP);
        Conversation c = open(MailProtocol.IMAP, true, recording);

        assertThat(say(c, "a1 LOGIN {5}")).isEqualTo("+ Ready for literal data\r\n");
        assertThat(c.readingData()).isTrue();
        assertThat(c.logged("alice {8}")).isEqualTo("****");
        assertThat(say(c, "alice {6}")).isEqualTo("+ Ready for literal data\r\n");
        assertThat(say(c, "secret")).isEqualTo("a1 OK LOGIN completed\r\n");
        assertThat(c.readingData()).isFalse();

        assertThat(recording.credentials()).singleElement().satisfies(login -> {
            assertThat(login.user()).isEqualTo("alice");
            assertThat(login.password()).isEqualTo("secret");
            assertThat(login.layer()).isEqualTo(Layer.TLS);
        });
    }

    @Test
    void imapLoginWithNonSynchronizingLiteralsIsAnsweredOnceWhole() {
        Recording recording = new Recording(MailProtocol.IMAP);
        Conversation c = open(MailProtocol.IMAP, true, recording);
        String utf8 = new String("pässwörd".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        assertThat(say(c, "a1 LOGIN {5+}")).isEmpty();
        assertThat(say(c, "alice {" + utf8.length() + "+}")).isEmpty();
        assertThat(say(c, utf8)).isEqualTo("a1 OK LOGIN completed\r\n");

        assertThat(recording.credentials()).extracting(Credentials::user, Credentials::password).containsExactly(
                org.assertj.core.groups.Tuple.tuple("alice", "pässwörd"));
        assertThat(recording.commands()).extracting(cmd -> cmd.line()).containsExactly("a1 LOGIN \"alice\" \"" + utf8 + "\"");
        assertThat(say(c, "a2 SELECT INBOX")).endsWith("a2 OK [READ-WRITE] SELECT completed\r\n");
    }

    @Test
    void imapLiteralsCarryLineEndsQuotesAndBackslashes() {
        Recording recording = new Recording(MailProtocol.IMAP);
        Conversation c = open(MailProtocol.IMAP, true, recording);

        assertThat(say(c, "a1 LOGIN \"bob\" {6+}")).isEmpty();
        assertThat(say(c, "a\"b")).isEmpty(); // 3 bytes and CRLF: 5 of 6
        assertThat(say(c, "\\")).isEqualTo("a1 OK LOGIN completed\r\n");
        assertThat(recording.credentials().get(0).password()).isEqualTo("a\"b\r\n\\");
    }

    @Test
    void imapAppendTakesTheMessageAsALiteralAndKeepsItWhenRecording() {
        Recording recording = new Recording(MailProtocol.IMAP);
        ServerConfig config = ServerConfig.builder().policy(TlsPolicy.OPPORTUNISTIC).hostname("mx.example.test")
                .capabilitiesAfterTls(Conversation.capabilities(MailProtocol.IMAP, true)).build();
        Conversation c = Conversation.open(MailProtocol.IMAP, recording, 1, Layer.TLS, new Conversation.Profile(config, true));
        String message = "Subject: hi\r\n\r\nbody\r\n";

        assertThat(say(c, "a1 APPEND INBOX {" + message.length() + "}")).isEqualTo("+ Ready for literal data\r\n");
        say(c, "Subject: hi");
        say(c, "");
        assertThat(say(c, "body")).isEmpty(); // the literal ended with this CRLF; the command goes on on the next line
        assertThat(say(c, "")).isEqualTo("a1 NO Log in first\r\n");
        say(c, "a2 LOGIN alice secret");
        assertThat(say(c, "a3 APPEND INBOX (\\Seen) {" + message.length() + "+}")).isEmpty();
        say(c, "Subject: hi");
        say(c, "");
        say(c, "body");
        assertThat(say(c, "")).isEqualTo("a3 OK [APPENDUID 1 1] APPEND completed\r\n");

        assertThat(recording.messages()).singleElement().satisfies(m -> {
            assertThat(m.recipients()).containsExactly("INBOX");
            assertThat(new String(m.raw(), StandardCharsets.ISO_8859_1)).isEqualTo(message);
        });
    }

    @Test
    void imapLiteralsAreBounded() {
        Conversation c = open(MailProtocol.IMAP, true);

        assertThat(say(c, "a1 LOGIN {100000}")).startsWith("a1 NO [TOOBIG]");
        assertThat(c.readingData()).isFalse();
        assertThat(say(c, "a2 NOOP")).isEqualTo("a2 OK NOOP completed\r\n");
        say(c, "a3 LOGIN alice secret");
        assertThat(say(c, "a4 APPEND INBOX {" + (ImapConversation.MAX_APPEND + 1) + "}")).startsWith("a4 NO [TOOBIG]");
        Conversation.Answer unasked = c.onLine("a5 LOGIN {100000+}");
        assertThat(unasked.send()).startsWith("* BYE [TOOBIG]");
        assertThat(unasked.close()).isTrue();
    }

    @Test
    void anImapLiteralEndingBetweenCrAndLfEndsTheConnectionAndTheCommandIsForgotten() {
        Conversation c = open(MailProtocol.IMAP, true);

        assertThat(say(c, "a1 LOGIN {4}")).isEqualTo("+ Ready for literal data\r\n");
        // 4 octets cover "abc" and the CR: the LF would start the rest of the command
        Conversation.Answer answer = c.onLine("abc");
        assertThat(answer.send()).isEqualTo("* BYE Literal ended inside a line ending\r\na1 BAD Literal ended inside a line ending\r\n");
        assertThat(answer.close()).isTrue();
        assertThat(c.readingData()).isFalse();
    }

    @Test
    void anImapLiteralsContentStandsInTheCommandAsAQuotedString() {
        Conversation c = open(MailProtocol.IMAP, true);

        assertThat(say(c, "a1 LOGIN {5+}")).isEmpty();
        assertThat(c.readingData()).isTrue();
        assertThat(say(c, "a\"b\\c {6}")).isEqualTo("+ Ready for literal data\r\n");
        assertThat(say(c, "secret")).isEqualTo("a1 OK LOGIN completed\r\n");
        assertThat(say(c, "a2 SELECT INBOX")).contains("a2 OK [READ-WRITE] SELECT completed");
    }

    @Test
    void imapAnnouncesLiteralPlusInsideTls() {
        assertThat(say(open(MailProtocol.IMAP, true), "a1 CAPABILITY")).contains(" LITERAL+");
    }

    private static String logThenSay(Conversation c, String line) {
        String logged = c.logged(line);
        c.onLine(line);
        return logged;
    }
}
