package org.starttls4j.testkit.jqwik;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.starttls4j.ClientConfig;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ThrowawayPki;
import org.starttls4j.testkit.hostile.HostileScenario;

/**
 * The arbitraries make what they promise, and drive the core's invariants (the injection property
 * is the README's example, {@code example.StartTlsProperties}).
 */
class MailArbitrariesProperties {

    private static final ClientConfig CONFIG = ClientConfig.builder("localhost")
            .sslContext(ThrowawayPki.forServer("localhost").clientContext()).build();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Provide
    Arbitrary<byte[]> streams() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(200);
    }

    @Property
    void aSplitJoinsBackIntoItsStreamWithNoEmptyRead(@ForAll("streams") byte[] stream) {
        MailArbitraries.splits(stream).sampleStream().limit(20).forEach(split -> {
            assertThat(split.joined()).isEqualTo(stream);
            if (stream.length > 0) {
                assertThat(split.reads()).allSatisfy(r -> assertThat(r).isNotEmpty());
            }
        });
    }

    @Property
    void smtpRepliesHaveOneCodeAndEndWithTheirOnlySpaceLine(@ForAll("smtp") String reply) {
        String[] lines = reply.split("\r\n");
        assertThat(reply).endsWith("\r\n");
        String code = lines[0].substring(0, 3);
        for (int i = 0; i < lines.length; i++) {
            assertThat(lines[i]).matches("[2-5]\\d\\d[- ].*").startsWith(code);
            assertThat(lines[i].charAt(3)).isEqualTo(i == lines.length - 1 ? ' ' : '-');
        }
    }

    @Provide
    Arbitrary<String> smtp() {
        return MailArbitraries.smtpReplies();
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}\r\n");

    @Property
    void imapLiteralsCountTheirBytes(@ForAll("imap") String response) {
        assertThat(response).endsWith("\r\n");
        Matcher m = LITERAL.matcher(response);
        if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            assertThat(response.substring(m.end())).hasSizeGreaterThanOrEqualTo(n).endsWith(")\r\n");
            assertThat(response.length() - m.end()).isEqualTo(n + 3);
        } else {
            assertThat(response).matches("(?s)(\\* |\\+ |[A-Z]\\d+ ).*");
        }
    }

    @Provide
    Arbitrary<String> imap() {
        return MailArbitraries.imapResponses();
    }

    @Property
    void pop3MultiLineRepliesAreDotStuffedAndTerminated(@ForAll("pop3") String reply) {
        assertThat(reply).matches("(?s)(\\+OK|-ERR) .*|\\+OK\r\n.*").endsWith("\r\n");
        List<String> lines = List.of(reply.split("\r\n"));
        if (lines.size() > 1) {
            assertThat(lines.get(lines.size() - 1)).isEqualTo(".");
            assertThat(lines.subList(1, lines.size() - 1)).noneMatch(l -> l.equals("."));
        }
    }

    @Provide
    Arbitrary<String> pop3() {
        return MailArbitraries.pop3Replies();
    }

    @Property
    void theSameRepliesInAnyReadsGiveTheCoreTheSameDecisions(@ForAll("greetings") Split greeting, @ForAll("ehloReplies") Split ehlo) {
        Transition t = Smtp.client(CONFIG).begin(NOW);
        StringBuilder sent = new StringBuilder(new String(t.outboundBytes(), StandardCharsets.US_ASCII));
        for (Split split : List.of(greeting, ehlo)) {
            for (var read : split.buffers()) {
                t = t.next().onReceived(read, NOW);
                sent.append(new String(t.outboundBytes(), StandardCharsets.US_ASCII));
            }
        }
        assertThat(sent.toString()).as(Readable.transition(t)).isEqualTo("EHLO localhost\r\nSTARTTLS\r\n");
        assertThat(t.next().state()).as(Readable.transition(t)).isEqualTo(Smtp.client(CONFIG).begin(NOW).next()
                .onReceived(java.nio.ByteBuffer.wrap(greeting.joined()), NOW).next()
                .onReceived(java.nio.ByteBuffer.wrap(ehlo.joined()), NOW).next().state());
    }

    @Provide
    Arbitrary<Split> greetings() {
        return MailArbitraries.splits("220 mail.example.test ESMTP ready\r\n");
    }

    @Provide
    Arbitrary<Split> ehloReplies() {
        return MailArbitraries.splits("250-mail.example.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
    }

    @Property
    void hostileScenariosApplyToTheirProtocol(@ForAll("imapScenarios") HostileScenario scenario) {
        assertThat(scenario.appliesTo(MailProtocol.IMAP)).isTrue();
    }

    @Provide
    Arbitrary<HostileScenario> imapScenarios() {
        return MailArbitraries.hostileScenarios(MailProtocol.IMAP);
    }

    @Example
    void readableEscapesWhatAReportWouldHide() {
        assertThat(Readable.bytes("EHLO x\r\n\u0000\"".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("EHLO x\\r\\n\\x00\\\"");
        assertThat(new Split(List.of(ascii2("EHLO x\r"), ascii2("\n"))).toString()).isEqualTo("[\"EHLO x\\r\" | \"\\n\"]");
        Transition t = Smtp.client(CONFIG).begin(NOW).next().onReceived(ascii("220 mail.example.test ESMTP\r\n"), NOW);
        assertThat(Readable.transition(t)).contains("send \"EHLO localhost\\r\\n\"");
        assertThat(Readable.transcript(t.events())).contains("[plain] << 220 mail.example.test ESMTP", "[plain] >> EHLO localhost");
    }

    private static java.nio.ByteBuffer ascii(String s) {
        return java.nio.ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] ascii2(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
