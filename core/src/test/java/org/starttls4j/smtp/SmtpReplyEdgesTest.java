package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerStep;
import org.starttls4j.TlsPolicy;

/** SMTP reply lines at the edges of their grammar, and the client dialog's verdict on each answer. */
class SmtpReplyEdgesTest {

    @Property(tries = 200)
    void onlyTheTwoHundredsArePositive(@ForAll @IntRange(min = 100, max = 599) int code) {
        assertThat(new SmtpReply(code, List.of("x")).isPositive()).isEqualTo(code >= 200 && code <= 299);
    }

    @Test
    void aBareCodeIsACompleteReplyWithAnEmptyText() {
        SmtpReplyReader.Read read = SmtpReplyReader.empty(5).accept("250");
        assertThat(read).isEqualTo(new SmtpReplyReader.Complete(250, List.of("250")));
        assertThat(((SmtpReplyReader.Complete) read).reply()).isEqualTo(new SmtpReply(250, List.of("")));
        SmtpReplyReader.Read spaced = SmtpReplyReader.empty(5).accept("250 ");
        assertThat(((SmtpReplyReader.Complete) spaced).reply()).isEqualTo(new SmtpReply(250, List.of("")));
        SmtpReplyReader.Read text = SmtpReplyReader.empty(5).accept("250 ok");
        assertThat(((SmtpReplyReader.Complete) text).reply()).isEqualTo(new SmtpReply(250, List.of("ok")));
        assertThat(SmtpReplyReader.empty(5).accept("25")).isInstanceOf(SmtpReplyReader.Bad.class);
    }

    @Test
    void aReaderKnowsItsBoundAndTheCodeOfTheReplyBeingAssembled() {
        SmtpReplyReader empty = SmtpReplyReader.empty(7);
        assertThat(empty.maxLines()).isEqualTo(7);
        assertThat(empty.code()).isZero();
        SmtpReplyReader more = ((SmtpReplyReader.More) empty.accept("250-first")).next();
        assertThat(more.code()).isEqualTo(250);
        assertThat(more.maxLines()).isEqualTo(7);
    }

    private static ClientStep.Await await(ClientStep step) {
        assertThat(step).isInstanceOf(ClientStep.Await.class);
        return (ClientStep.Await) step;
    }

    private static Failure failure(ClientStep step) {
        assertThat(step).isInstanceOf(ClientStep.Fail.class);
        return ((ClientStep.Fail) step).failure();
    }

    private static ClientDialog greeted() {
        ClientStep.Await start = await(SmtpClientDialog.create("client.example", Limits.DEFAULT).start(false));
        assertThat(start.send()).isEmpty();
        return start.next();
    }

    /** A dialog told STARTTLS is offered, which sent STARTTLS. */
    private static ClientDialog askedStartTls() {
        ClientDialog d = await(greeted().onLine("220 mx ready")).next();
        d = await(d.onLine("250-mx")).next();
        ClientStep ready = d.onLine("250 STARTTLS");
        assertThat(ready).isInstanceOf(ClientStep.Ready.class);
        ClientStep.Await startTls = await(((ClientStep.Ready) ready).next().requestStartTls());
        assertThat(startTls.send()).isEqualTo("STARTTLS\r\n");
        return startTls.next();
    }

    @Test
    void theGreetingsRefusalSaysWhetherItWasA554() {
        assertThat(failure(greeted().onLine("554 go away")).message()).contains("refused service");
        Failure other = failure(greeted().onLine("500 what"));
        assertThat(other.reason()).isEqualTo(Failure.Reason.GREETING_REJECTED);
        assertThat(other.message()).contains("not 220").doesNotContain("refused");
    }

    @Test
    void everyStartTlsAnswerFromFourHundredUpIsARefusal() {
        for (String answer : List.of("400 later", "454 TLS not available", "554 no")) {
            ClientStep step = askedStartTls().onLine(answer);
            assertThat(step).as(answer).isInstanceOf(ClientStep.NoTls.class);
            assertThat(((ClientStep.NoTls) step).why().reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        }
        assertThat(failure(askedStartTls().onLine("354 hmm")).reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void aReplyWhenNothingIsOutstandingFails() {
        ClientDialog d = await(greeted().onLine("220 mx ready")).next();
        ClientStep ready = d.onLine("250 mx");
        assertThat(failure(((ClientStep.Ready) ready).next().onLine("250 again")).reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void aServerDialogMadeFromAConfigurationGreets() {
        ServerStep greeting = SmtpServerDialog.create(Wire.serverConfig(TlsPolicy.REQUIRED)).start();
        assertThat(greeting).isInstanceOf(ServerStep.Reply.class);
        assertThat(((ServerStep.Reply) greeting).send()).startsWith("220 ");
    }
}
