package org.starttls4j.nntp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Dialect.Script;

/** NNTP status lines at the edges of their grammar, and the client's verdict on each answer. */
class NntpStatusLineTest {

    @Property(tries = 300)
    void threeDigitsFirstOneToFiveThenTheEndOrASpaceAreAStatusLine(@ForAll @IntRange(min = 100, max = 599) int code,
            @ForAll("texts") String text) {
        NntpReply bare = NntpReply.parseStatus(String.valueOf(code));
        assertThat(bare.code()).isEqualTo(code);
        assertThat(bare.text()).isEmpty();
        NntpReply withText = NntpReply.parseStatus(code + " " + text);
        assertThat(withText.code()).isEqualTo(code);
        assertThat(withText.text()).isEqualTo(text);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30);
    }

    @Property(tries = 300)
    void aNonDigitAnywhereInTheCodeIsNoStatusLine(@ForAll @IntRange(max = 2) int at,
            @ForAll @CharRange(from = ' ', to = '~') char c) {
        String code = "211";
        String line = code.substring(0, at) + c + code.substring(at + 1) + " text";
        boolean valid = c >= (at == 0 ? '1' : '0') && c <= (at == 0 ? '5' : '9');
        assertThat(NntpReply.parseStatus(line) != null).as(line).isEqualTo(valid);
    }

    @Test
    void theEdgesOfTheGrammar() {
        assertThat(NntpReply.parseStatus("20")).isNull();
        assertThat(NntpReply.parseStatus("200x")).isNull();
        assertThat(NntpReply.parseStatus("600 no")).isNull();
        assertThat(NntpReply.parseStatus("000 no")).isNull();
        assertThat(NntpReply.parseStatus("200 ").text()).isEmpty();
        assertThat(NntpReply.parseStatus("509 x").code()).isEqualTo(509);
        assertThat(NntpReply.parseStatus("190 x").code()).isEqualTo(190);
    }

    private static Script client(TlsPolicy policy) {
        return Script.begin(Nntp.client(Dialect.clientBuilder(policy).build()));
    }

    @Test
    void theGreetingsTextIsWhatFollowsTheCode() {
        assertThat(client(TlsPolicy.REQUIRED).receive("200\r\n").events(Event.GreetingReceived.class))
                .extracting(Event.GreetingReceived::text).containsExactly("");
        assertThat(client(TlsPolicy.REQUIRED).receive("201 read only\r\n").events(Event.GreetingReceived.class))
                .extracting(Event.GreetingReceived::text).containsExactly("read only");
    }

    @Test
    void capabilitiesAnsweredWithSomethingElseThanAListOrAnErrorFails() {
        assertThat(client(TlsPolicy.REQUIRED).receive(NntpClientTest.GREETING).receive("211 1 1 1 misc\r\n").reason())
                .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(client(TlsPolicy.REQUIRED).receive(NntpClientTest.GREETING).receive("399 what\r\n").reason())
                .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void startTlsAnsweredWithNoStatusLineOrA400Fails() {
        Script asked = client(TlsPolicy.REQUIRED).receive(NntpClientTest.GREETING).receive(NntpClientTest.CAPS_WITH_STARTTLS);
        assertThat(asked.lastSent()).isEqualTo("STARTTLS\r\n");
        assertThat(asked.receive("hello\r\n").reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        assertThat(client(TlsPolicy.REQUIRED).receive(NntpClientTest.GREETING).receive(NntpClientTest.CAPS_WITH_STARTTLS)
                .receive("400 going down\r\n").reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(client(TlsPolicy.OPPORTUNISTIC).receive(NntpClientTest.GREETING).receive(NntpClientTest.CAPS_WITH_STARTTLS)
                .receive("403 no tls here\r\n").outcome()).isInstanceOf(org.starttls4j.Outcome.Plaintext.class);
    }

    @Test
    void theDialogStartsSilentAndRefusesAnAnswerWhenNothingIsOutstanding() {
        ClientStep start = NntpClientDialog.create(Limits.DEFAULT).start(false);
        assertThat(start).isInstanceOf(ClientStep.Await.class);
        assertThat(((ClientStep.Await) start).send()).isEmpty();
        ClientDialog d = ((ClientStep.Await) start).next();
        d = ((ClientStep.Await) d.onLine("200 hi")).next();
        ClientStep ready = d.onLine("101 Capability list:");
        ready = ((ClientStep.Await) ready).next().onLine(".");
        assertThat(ready).isInstanceOf(ClientStep.Ready.class);
        ClientStep idle = ((ClientStep.Ready) ready).next().onLine("200 again");
        assertThat(idle).isInstanceOf(ClientStep.Fail.class);
        assertThat(((ClientStep.Fail) idle).failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Property(tries = 40)
    void everyFarewellButAfterStartTlsIsA400Line(@ForAll Failure.Reason reason) {
        String farewell = NntpServerDialog.create(NntpServerTest.config(TlsPolicy.REQUIRED)).farewell(reason);
        if (reason == Failure.Reason.PLAINTEXT_INJECTION) {
            assertThat(farewell).isEmpty();
        } else {
            assertThat(farewell).startsWith("400 ").endsWith("\r\n").hasSizeGreaterThan(8);
        }
    }

    @Test
    void theFarewellsSayWhy() {
        NntpServerDialog d = NntpServerDialog.create(NntpServerTest.config(TlsPolicy.REQUIRED));
        for (Failure.Reason r : EnumSet.of(Failure.Reason.TIMEOUT, Failure.Reason.LINE_TOO_LONG, Failure.Reason.COMMAND_TOO_LONG,
                Failure.Reason.TOO_MANY_COMMANDS, Failure.Reason.TOO_MUCH_PLAINTEXT, Failure.Reason.MALFORMED_COMMAND)) {
            assertThat(d.farewell(r)).as("%s", r).doesNotContain(Dialect.HOST);
        }
        assertThat(d.farewell(Failure.Reason.TIMEOUT)).contains("Timeout");
        assertThat(d.farewell(Failure.Reason.TOO_MUCH_PLAINTEXT)).contains("Too much data");
        assertThat(d.farewell(Failure.Reason.PEER_CLOSED)).isEqualTo("400 " + Dialect.HOST + " closing connection\r\n");
    }

    @Test
    void authenticationIsAnnouncedBeforeTlsOnlyWhenAllowedAndPlaintextIsAllowed() {
        String allowed = Script.begin(Nntp.server(NntpServerTest.builder(TlsPolicy.OPPORTUNISTIC).allowAuthBeforeTls(true).build()))
                .receive("CAPABILITIES\r\n").lastSent();
        assertThat(allowed).contains("\r\nAUTHINFO USER\r\n").contains("\r\nSASL PLAIN\r\n");
        String withheld = Script.begin(Nntp.server(NntpServerTest.builder(TlsPolicy.OPPORTUNISTIC).build()))
                .receive("CAPABILITIES\r\n").lastSent();
        assertThat(withheld).doesNotContain("AUTHINFO").doesNotContain("SASL");
    }

    @Test
    void resumingSendsNothingAndAcceptsStartTls() {
        Script s = Script.begin(Nntp.serverResuming(NntpServerTest.config(TlsPolicy.OPPORTUNISTIC)));
        assertThat(s.sent()).isEmpty();
        assertThat(s.receive("STARTTLS\r\n").lastSent()).isEqualTo("382 Continue with TLS negotiation\r\n");
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
    }
}
