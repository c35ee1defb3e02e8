package org.starttls4j.lmtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect.Script;

/** The LMTP dialogs at the edges: answers to STARTTLS, replies out of turn, SMTP commands LMTP refuses, resuming. */
class LmtpEdgesTest {

    private static ClientStep.Await await(ClientStep step) {
        assertThat(step).isInstanceOf(ClientStep.Await.class);
        return (ClientStep.Await) step;
    }

    private static ClientStep.Ready offered() {
        ClientStep.Await start = await(LmtpClientDialog.create("mta.example.test", Limits.DEFAULT).start(false));
        assertThat(start.send()).isEmpty();
        ClientDialog d = await(start.next().onLine("220 lmtp ready")).next();
        d = await(d.onLine("250-lmtp")).next();
        ClientStep ready = d.onLine("250 STARTTLS");
        assertThat(ready).isInstanceOf(ClientStep.Ready.class);
        return (ClientStep.Ready) ready;
    }

    private static ClientDialog askedStartTls() {
        ClientStep.Await startTls = await(offered().next().requestStartTls());
        assertThat(startTls.send()).isEqualTo("STARTTLS\r\n");
        return startTls.next();
    }

    @Test
    void everyStartTlsAnswerFromFourHundredUpIsARefusal() {
        for (String answer : new String[] {"400 later", "454 no TLS", "500 what"}) {
            ClientStep step = askedStartTls().onLine(answer);
            assertThat(step).as(answer).isInstanceOf(ClientStep.NoTls.class);
            assertThat(((ClientStep.NoTls) step).why().reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        }
        ClientStep odd = askedStartTls().onLine("354 go on");
        assertThat(odd).isInstanceOf(ClientStep.Fail.class);
        assertThat(((ClientStep.Fail) odd).failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void aReplyWhenNothingIsOutstandingFails() {
        ClientStep idle = offered().next().onLine("250 again");
        assertThat(idle).isInstanceOf(ClientStep.Fail.class);
        assertThat(((ClientStep.Fail) idle).failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        ClientStep go = askedStartTls().onLine("220 go");
        assertThat(go).isInstanceOf(ClientStep.GoAhead.class);
        ClientStep early = ((ClientStep.GoAhead) go).next().onLine("250 too early");
        assertThat(early).isInstanceOf(ClientStep.Fail.class);
    }

    @Test
    void smtpCommandsLmtpHasNotAreRefused() {
        Script s = Script.begin(Lmtp.server(LmtpServerTest.config(TlsPolicy.REQUIRED)));
        for (String command : new String[] {"HELP", "EXPN list", "ETRN example.org"}) {
            assertThat(s.receive(command + "\r\n").lastSent()).as(command).isEqualTo("500 5.5.2 Command not recognized\r\n");
        }
    }

    @Test
    void resumingSendsNothingAndAcceptsStartTls() {
        Script s = Script.begin(Lmtp.serverResuming(LmtpServerTest.config(TlsPolicy.OPPORTUNISTIC)));
        assertThat(s.sent()).isEmpty();
        assertThat(s.receive("STARTTLS\r\n").lastSent()).startsWith("220 ");
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
    }
}
