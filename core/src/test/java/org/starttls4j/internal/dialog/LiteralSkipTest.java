package org.starttls4j.internal.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.imap.ImapServerDialog;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;
import org.starttls4j.text.Literal;

class LiteralSkipTest {

    /** 3 lines per command, literals up to 10 bytes; only {n+} literals are skipped. */
    private static final LiteralSkip.Rules RULES = new LiteralSkip.Rules(new Limits(100, 3, 1000, 10), Literal::isNonSynchronizing,
            "too big\r\n", "too long\r\n", "malformed\r\n");
    private static final ServerDialog RESUMED = ImapServerDialog.create(ServerConfig.builder().policy(TlsPolicy.OPPORTUNISTIC).build());

    private static LiteralSkip skipping(ServerStep step) {
        assertThat(step).isInstanceOf(ServerStep.Reply.class);
        ServerStep.Reply reply = (ServerStep.Reply) step;
        assertThat(reply.send()).isEmpty();
        assertThat(reply.next()).isInstanceOf(LiteralSkip.class);
        assertThat(reply.next().state()).isEqualTo("SkippingLiteral");
        return (LiteralSkip) reply.next();
    }

    private static void closes(ServerStep step, Failure.Reason reason, String send) {
        assertThat(step).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.failure().reason()).isEqualTo(reason);
            assertThat(close.send()).isEqualTo(send);
        });
    }

    @Test
    void theAnswerGoesOutAndTheDialogResumesWhenTheLiteralEndsAndNoOtherFollows() {
        LiteralSkip skip = skipping(LiteralSkip.after(RESUMED, "A1 OK\r\n", RULES, "A1 X {5+}"));

        assertThat(skip.onLine("abcde tail")).isEqualTo(new ServerStep.Reply(RESUMED, "A1 OK\r\n"));
    }

    @Test
    void aLiteralOverTheBoundClosesWithTheProtocolsWords() {
        closes(LiteralSkip.after(RESUMED, "A1 OK\r\n", RULES, "A1 X {11+}"), Failure.Reason.COMMAND_TOO_LONG, "too big\r\n");
    }

    @Test
    void aCommandOfMoreLinesThanTheBoundCloses() {
        LiteralSkip skip = skipping(LiteralSkip.after(RESUMED, "A1 OK\r\n", RULES, "A1 X {10+}"));
        skip = skipping(skip.onLine("ab"));
        skip = skipping(skip.onLine("cd"));

        closes(skip.onLine("e"), Failure.Reason.COMMAND_TOO_LONG, "too long\r\n");
    }

    @Test
    void aLiteralEndingBetweenCrAndLfIsMalformed() {
        LiteralSkip skip = skipping(LiteralSkip.after(RESUMED, "A1 OK\r\n", RULES, "A1 X {4+}"));

        // "abc" and its CR are the literal's 4 bytes: the LF would start the rest of the command.
        closes(skip.onLine("abc"), Failure.Reason.MALFORMED_COMMAND, "malformed\r\n");
    }

    @Test
    void aFurtherLiteralOnTheSameCommandIsSkippedTooButASynchronizingOneIsNot() {
        LiteralSkip skip = skipping(LiteralSkip.after(RESUMED, "A1 OK\r\n", RULES, "A1 X {2+}"));

        LiteralSkip next = skipping(skip.onLine("ab more {4+}"));

        assertThat(next.lines()).isEqualTo(2);
        assertThat(next.literal().remaining()).isEqualTo(4);
        assertThat(next.onLine("wxyz end {3}")).isEqualTo(new ServerStep.Reply(RESUMED, "A1 OK\r\n"));
    }

    @Test
    void whileSkippingTheProtocolsFarewellIsSaid() {
        LiteralSkip skip = skipping(LiteralSkip.after(RESUMED, "A1 OK\r\n", RULES, "A1 X {2+}"));

        assertThat(skip.farewell(Failure.Reason.TIMEOUT)).isEqualTo(RESUMED.farewell(Failure.Reason.TIMEOUT)).isNotEmpty();
    }
}
