package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.imap.ImapClientTest.caps;

import org.junit.jupiter.api.Test;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;

/**
 * The client dialog on its own, for what the driver only reaches through TLS: the restart after
 * the handshake, and greetings inside implicit TLS.
 */
class ImapClientDialogTest {

    private static ClientStep.Await await(ClientStep step) {
        assertThat(step).isInstanceOf(ClientStep.Await.class);
        return (ClientStep.Await) step;
    }

    private static ClientStep.Ready ready(ClientStep step) {
        assertThat(step).isInstanceOf(ClientStep.Ready.class);
        return (ClientStep.Ready) step;
    }

    /** Walks a dialog to the STARTTLS go-ahead; the server slips capabilities in along with it. */
    private static ClientDialog afterGoAhead() {
        ClientDialog d = await(ImapClientDialog.create(Limits.DEFAULT).start(false)).next();
        ClientStep.Await asked = await(d.onLine("* OK hi"));
        assertThat(asked.send()).isEqualTo("A1 CAPABILITY\r\n");
        d = await(asked.next().onLine("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN")).next();
        ClientStep.Ready r = ready(d.onLine("A1 OK done"));
        assertThat(r.offer()).isEqualTo(StartTlsOffer.OFFERED);
        ClientStep.Await startTls = await(r.next().requestStartTls());
        assertThat(startTls.send()).isEqualTo("A2 STARTTLS\r\n");
        d = await(startTls.next().onLine("* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=EVIL")).next();
        ClientStep go = d.onLine("A2 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=EVIL] Begin TLS");
        assertThat(go).isInstanceOf(ClientStep.GoAhead.class);
        return ((ClientStep.GoAhead) go).next();
    }

    @Test
    void afterTlsCapabilitiesAreAskedAgainUnderAFreshTag() {
        ClientStep.Await again = await(afterGoAhead().restartAfterTls());
        assertThat(again.send()).isEqualTo("A3 CAPABILITY\r\n");
        ClientDialog d = await(again.next().onLine("* CAPABILITY IMAP4rev1 AUTH=SCRAM-SHA-256")).next();
        ClientStep.Ready r = ready(d.onLine("A3 OK done"));
        assertThat(r.capabilities()).isEqualTo(caps("IMAP4rev1", "AUTH=SCRAM-SHA-256"));
    }

    @Test
    void nothingLearnedBeforeTlsSurvivesTheRestart() {
        ClientStep.Await again = await(afterGoAhead().restartAfterTls());
        // The server answers without any capability list: the pre-TLS ones (and the ones that
        // came with the go-ahead) must not fill the gap.
        ClientStep.Ready r = ready(again.next().onLine("A3 OK done"));
        assertThat(r.capabilities()).isEqualTo(Capabilities.NONE);
        assertThat(r.offer()).isEqualTo(StartTlsOffer.UNKNOWN);
    }

    @Test
    void theOldTagsAreNotAcceptedAfterTls() {
        ClientStep.Await again = await(afterGoAhead().restartAfterTls());
        ClientStep step = again.next().onLine("A2 OK done");
        assertThat(step).isInstanceOf(ClientStep.Fail.class);
        assertThat(((ClientStep.Fail) step).failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void preauthInsideImplicitTlsIsFine() {
        ClientDialog d = await(ImapClientDialog.create(Limits.DEFAULT).start(true)).next();
        ClientStep.Ready r = ready(d.onLine("* PREAUTH [CAPABILITY IMAP4rev2 IDLE] welcome back"));
        assertThat(r.capabilities()).isEqualTo(caps("IMAP4rev2", "IDLE"));
    }

    @Test
    void preauthInsideImplicitTlsWithoutCapabilitiesAsksForThem() {
        ClientDialog d = await(ImapClientDialog.create(Limits.DEFAULT).start(true)).next();
        ClientStep.Await asked = await(d.onLine("* PREAUTH welcome back"));
        assertThat(asked.send()).isEqualTo("A1 CAPABILITY\r\n");
        assertThat(asked.events()).containsExactly(new Event.GreetingReceived("welcome back", true));
    }

    @Test
    void preauthInPlaintextIsNoTlsAndSaysNothingOnTheWayOut() {
        ClientDialog d = await(ImapClientDialog.create(Limits.DEFAULT).start(false)).next();
        ClientStep step = d.onLine("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi");
        assertThat(step).isInstanceOf(ClientStep.NoTls.class);
        ClientStep.NoTls no = (ClientStep.NoTls) step;
        assertThat(no.why().reason()).isEqualTo(Failure.Reason.PREAUTH_WITHOUT_TLS);
        assertThat(no.next().farewell()).isEmpty();
        assertThatThrownBy(() -> no.next().requestStartTls()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void farewellIsLogoutOnlyWhenIdle() {
        ClientDialog waiting = await(ImapClientDialog.create(Limits.DEFAULT).start(false)).next();
        assertThat(waiting.farewell()).isEmpty();
        ClientStep.Await asked = await(waiting.onLine("* OK hi"));
        assertThat(asked.next().farewell()).isEmpty();
        ClientStep.Ready r = ready(asked.next().onLine("A1 BAD no"));
        assertThat(r.next().farewell()).isEqualTo("A2 LOGOUT\r\n");
    }

    @Test
    void misuseThrows() {
        ImapClientDialog fresh = ImapClientDialog.create(Limits.DEFAULT);
        assertThatThrownBy(fresh::requestStartTls).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(fresh::restartAfterTls).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theDialogIsAValue() {
        ClientDialog d = await(ImapClientDialog.create(Limits.DEFAULT).start(false)).next();
        ClientStep.Await first = await(d.onLine("* OK hi"));
        ClientStep.Await second = await(d.onLine("* OK hi"));
        assertThat(first.send()).isEqualTo(second.send()).isEqualTo("A1 CAPABILITY\r\n");
        assertThat(first.events()).isEqualTo(second.events());
        assertThat(d.state()).isEqualTo("AwaitingGreeting");
    }

    /** A dialog that greeted and sent {@code A1 CAPABILITY}, within {@code limits}. */
    private static ClientDialog awaitingCapabilities(Limits limits) {
        ClientDialog d = await(ImapClientDialog.create(limits).start(false)).next();
        return await(d.onLine("* OK hi")).next();
    }

    private static Failure.Reason failed(ClientStep step) {
        assertThat(step).isInstanceOf(ClientStep.Fail.class);
        return ((ClientStep.Fail) step).failure().reason();
    }

    @Test
    void theUntaggedCapabilityListWinsOverACodeInTheCompletion() {
        ClientDialog d = await(awaitingCapabilities(Limits.DEFAULT).onLine("* CAPABILITY IMAP4rev1 STARTTLS")).next();
        ClientStep.Ready r = ready(d.onLine("A1 OK [CAPABILITY IMAP4rev1] done"));
        assertThat(r.capabilities()).isEqualTo(caps("IMAP4rev1", "STARTTLS"));
        assertThat(r.offer()).isEqualTo(StartTlsOffer.OFFERED);
    }

    @Test
    void aCapabilityCodeInTheCompletionServesWhenNoListCame() {
        ClientStep.Ready r = ready(awaitingCapabilities(Limits.DEFAULT).onLine("A1 OK [CAPABILITY IMAP4rev1 STARTTLS] done"));
        assertThat(r.capabilities()).isEqualTo(caps("IMAP4rev1", "STARTTLS"));
    }

    @Test
    void aCapabilityCodeInTheCompletionThatIsNotAtomsIsMalformed() {
        assertThat(failed(awaitingCapabilities(Limits.DEFAULT).onLine("A1 OK [CAPABILITY IMAP4rev1 (x] done")))
                .isEqualTo(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void anInformationalStatusWhileACommandIsOutstandingIsSkipped() {
        ClientDialog d = await(awaitingCapabilities(Limits.DEFAULT).onLine("* OK [ALERT] maintenance at noon")).next();
        d = await(d.onLine("* NO disk almost full")).next();
        assertThat(ready(d.onLine("A1 OK [CAPABILITY IMAP4rev1 STARTTLS] done")).offer()).isEqualTo(StartTlsOffer.OFFERED);
    }

    @Test
    void theGreetingMayArriveBeforeTheServerCouldHaveSeenAnything() {
        ClientDialog d = await(ImapClientDialog.create(Limits.DEFAULT).start(false)).next();
        assertThat(await(d.onLineBeforeCommandSeen("* OK hi")).send()).isEqualTo("A1 CAPABILITY\r\n");
    }

    @Test
    void aResponseWhenNothingIsOutstandingFails() {
        ClientDialog d = await(ImapClientDialog.create(Limits.DEFAULT).start(false)).next();
        ClientStep noTls = d.onLine("* PREAUTH welcome");
        assertThat(noTls).isInstanceOf(ClientStep.NoTls.class);
        ClientDialog idle = ((ClientStep.NoTls) noTls).next();
        assertThat(failed(idle.onLine("* OK still here"))).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(failed(idle.onLineBeforeCommandSeen("* OK still here"))).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);

        assertThat(failed(afterGoAhead().onLine("* OK too early"))).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(failed(afterGoAhead().onLineBeforeCommandSeen("* OK too early"))).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void theLinesOfAResponseWithLiteralsAreCountedAgainstTheLimit() {
        ClientDialog d = awaitingCapabilities(Limits.DEFAULT.withMaxLinesPerReply(3));
        d = await(d.onLine("* 1 FETCH (BODY {3}")).next();
        d = await(d.onLine("abc BODY[1] {3}")).next();
        d = await(d.onLine("def)")).next();
        assertThat(ready(d.onLine("A1 OK [CAPABILITY IMAP4rev1] done")).capabilities()).isEqualTo(caps("IMAP4rev1"));

        ClientDialog tight = awaitingCapabilities(Limits.DEFAULT.withMaxLinesPerReply(2));
        tight = await(tight.onLine("* 1 FETCH (BODY {3}")).next();
        tight = await(tight.onLine("abc BODY[1] {3}")).next();
        assertThat(failed(tight.onLine("def)"))).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void anAbsurdLiteralIsReportedAsSuch() {
        ClientStep step = awaitingCapabilities(Limits.DEFAULT).onLine("* 1 FETCH (BODY {" + "9".repeat(19) + "}");
        assertThat(failed(step)).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
        assertThat(((ClientStep.Fail) step).failure().message()).contains("absurdly many");
        ClientStep large = awaitingCapabilities(Limits.DEFAULT.withMaxLiteralSize(10)).onLine("* 1 FETCH (BODY {11}");
        assertThat(((ClientStep.Fail) large).failure().message()).contains("11 bytes").doesNotContain("absurdly");
    }

    @Test
    void anUnsolicitedResponseIsSkippedInPlaintextButRefusedInsideTls() {
        ClientStep.Ready plain = ready(awaitingCapabilities(Limits.DEFAULT).onLine("A1 OK [CAPABILITY IMAP4rev1 STARTTLS] done"));
        assertThat(plain.next().onLine("* OK still here")).isInstanceOf(ClientStep.Await.class);

        ClientStep.Await again = await(afterGoAhead().restartAfterTls());
        ClientStep.Ready secured = ready(again.next().onLine("A3 OK [CAPABILITY IMAP4rev1] done"));
        assertThat(failed(secured.next().onLine("* OK still here"))).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }
}
