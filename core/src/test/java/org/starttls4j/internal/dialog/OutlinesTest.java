package org.starttls4j.internal.dialog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.nntp.NntpClientDialog;
import org.starttls4j.pop3.Pop3ClientDialog;
import org.starttls4j.sieve.SieveClientDialog;
import org.starttls4j.smtp.SmtpClientDialog;

/** What the outlines decide once for every protocol: the farewell by reason, and the client's turns around STARTTLS. */
class OutlinesTest {

    private static final Farewells WORDS = new Farewells("timeout\r\n", "long\r\n", "many\r\n",
            "busy\r\n", "malformed\r\n", "%s plaintext\r\n", "%s closing\r\n");

    @Test
    void eachReasonHasItsFarewellAndNothingFollowsAnInjection() {
        assertThat(WORDS.of(Failure.Reason.PLAINTEXT_INJECTION, "mx.example")).isEmpty();
        assertThat(WORDS.of(Failure.Reason.TIMEOUT, "mx.example")).isEqualTo("timeout\r\n");
        assertThat(WORDS.of(Failure.Reason.LINE_TOO_LONG, "mx.example")).isEqualTo("long\r\n");
        assertThat(WORDS.of(Failure.Reason.COMMAND_TOO_LONG, "mx.example")).isEqualTo("long\r\n");
        assertThat(WORDS.of(Failure.Reason.TOO_MANY_COMMANDS, "mx.example")).isEqualTo("many\r\n");
        assertThat(WORDS.of(Failure.Reason.SERVER_BUSY, "mx.example")).isEqualTo("busy\r\n");
        assertThat(WORDS.of(Failure.Reason.MALFORMED_COMMAND, "mx.example")).isEqualTo("malformed\r\n");
        assertThat(WORDS.of(Failure.Reason.TOO_MUCH_PLAINTEXT, "mx.example")).isEqualTo("mx.example plaintext\r\n");
        EnumSet<Failure.Reason> others = EnumSet.complementOf(EnumSet.of(Failure.Reason.PLAINTEXT_INJECTION, Failure.Reason.TIMEOUT,
                Failure.Reason.LINE_TOO_LONG, Failure.Reason.COMMAND_TOO_LONG, Failure.Reason.TOO_MANY_COMMANDS,
                Failure.Reason.SERVER_BUSY, Failure.Reason.MALFORMED_COMMAND, Failure.Reason.TOO_MUCH_PLAINTEXT));
        for (Failure.Reason reason : others) {
            assertThat(WORDS.of(reason, "mx.example")).as(reason.name()).isEqualTo("mx.example closing\r\n");
        }
    }

    /** Each outlined client dialog, before its greeting. */
    private static List<ClientDialog> dialogs() {
        Limits limits = Limits.DEFAULT;
        return List.of(SmtpClientDialog.create("client.example", limits), Pop3ClientDialog.create(limits),
                NntpClientDialog.create(limits), SieveClientDialog.create(limits));
    }

    @Test
    void startAwaitsTheGreetingAndSendsNothing() {
        for (ClientDialog dialog : dialogs()) {
            ClientStep.Await started = (ClientStep.Await) dialog.start(true);
            assertThat(started.send()).as(dialog.getClass().getSimpleName()).isEmpty();
            assertThat(started.next().state()).as(dialog.getClass().getSimpleName()).isEqualTo("AwaitingGreeting");
            assertThat(started.next().farewell()).as(dialog.getClass().getSimpleName()).isEmpty();
        }
    }

    @Test
    void starttlsBeforeIdleAndARestartBeforeTheGoAheadAreProgrammingErrors() {
        for (ClientDialog dialog : dialogs()) {
            assertThatThrownBy(dialog::requestStartTls).as(dialog.getClass().getSimpleName())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("AwaitingGreeting");
            assertThatThrownBy(dialog::restartAfterTls).as(dialog.getClass().getSimpleName())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("AwaitingGreeting");
        }
    }
}
