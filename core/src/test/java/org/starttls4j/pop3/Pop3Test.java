package org.starttls4j.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.Event;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;

class Pop3Test {

    @Test
    void theApopTimestampIsFoundInTheGreetingAngleBracketsIncluded() {
        assertThat(Pop3.apopTimestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"))
                .contains("<1896.697170952@dbc.mtview.ca.us>");
        assertThat(Pop3.apopTimestamp("+OK <a@b> and <c@d>")).contains("<a@b>");
        assertThat(Pop3.apopTimestamp("+OK see <no-at-sign> then <x.1@y>")).contains("<x.1@y>");
        assertThat(Pop3.apopTimestamp("+OK <<x@y>")).contains("<x@y>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "POP3 server ready", "<>", "<@>", "<x@>", "<@y>", "<x y@z>", "<x@y", "x@y>", "<x\u00e9@y>",
        "<x\t@y>"})
    void aGreetingWithoutAWellFormedTimestampHasNone(String greeting) {
        assertThat(Pop3.apopTimestamp(greeting)).isEmpty();
    }

    @Test
    void theGreetingEventCarriesTheTimestamp() {
        Script s = Script.begin(Pop3.client(Fixtures.client(TlsPolicy.REQUIRED)))
                .receive("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
        Event.GreetingReceived greeting = s.events(Event.GreetingReceived.class).get(0);
        assertThat(greeting).isEqualTo(new Event.GreetingReceived("POP3 server ready <1896.697170952@dbc.mtview.ca.us>", false));
        assertThat(Pop3.apopTimestamp(greeting.text())).contains("<1896.697170952@dbc.mtview.ca.us>");
        assertThat(s.events(Event.CapabilitiesReceived.class)).isEmpty();
    }

    @Test
    void theCapaReplyAfterTlsListsThePostTlsCapabilitiesWithoutStlsAndStuffed() {
        ServerConfig config = Fixtures.serverBuilder(TlsPolicy.REQUIRED)
                .capabilitiesAfterTls(new Capabilities(List.of(new Capability("TOP", List.of()), new Capability("STLS", List.of()),
                        new Capability(".ODD", List.of("x")), new Capability("SASL", List.of("PLAIN")))))
                .build();
        assertThat(Pop3.capaReplyAfterTls(config))
                .isEqualTo("+OK Capability list follows\r\nTOP\r\n..ODD x\r\nSASL PLAIN\r\n.\r\n");
    }

    @Test
    void aSecondStlsIsAnsweredAsRfc2595Says() {
        assertThat(Pop3.REPLY_TLS_ALREADY_ACTIVE).isEqualTo("-ERR Command not permitted when TLS active\r\n");
    }

    @Test
    void theEntryPointsStartTheirDialogs() {
        assertThat(Pop3.client(Fixtures.client(TlsPolicy.REQUIRED)).begin(Fixtures.T0).next().state())
                .isEqualTo("AwaitingGreeting");
        Script server = Script.begin(Pop3.server(Fixtures.server(TlsPolicy.REQUIRED)));
        assertThat(server.sent()).isEqualTo("+OK mail.example.test POP3 server ready\r\n");
        assertThat(server.negotiation().state()).isEqualTo("AwaitingCommand");
        Script resumed = Script.begin(Pop3.serverResuming(Fixtures.server(TlsPolicy.OPPORTUNISTIC)));
        assertThat(resumed.sent()).isEmpty();
        resumed.receive("STLS\r\n");
        assertThat(resumed.sent()).isEqualTo("+OK Begin TLS negotiation\r\n");
        assertThat(resumed.events(Event.StartTlsAccepted.class)).hasSize(1);
    }
}
