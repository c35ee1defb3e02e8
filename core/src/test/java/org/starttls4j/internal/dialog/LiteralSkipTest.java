package org.starttls4j.internal.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.imap.ImapServerDialog;
import org.starttls4j.spi.ServerDialog;
import org.starttls4j.spi.ServerStep;

class LiteralSkipTest {

    private static final LiteralSkip.Byes BYES = new LiteralSkip.Byes("too big\r\n", "too long\r\n", "malformed\r\n");
    /** 3 lines per command, literals up to 10 bytes. */
    private static final Limits LIMITS = new Limits(100, 3, 1000, 10);
    private static final ServerDialog ANSWERED = ImapServerDialog.create(ServerConfig.builder().policy(TlsPolicy.OPPORTUNISTIC).build());

    /** The skipping dialog is not under test: the value it is made with is. */
    private LiteralSkip skipping;

    private ServerDialog remember(LiteralSkip skip) {
        skipping = skip;
        return ANSWERED;
    }

    @Test
    void theAnswerGoesOutWhenTheLiteralEndsAndNoOtherFollows() {
        ServerStep started = LiteralSkip.after("A1 OK\r\n", BYES, "A1 X {5+}", 1, LIMITS, this::remember);
        assertThat(started).isEqualTo(new ServerStep.Reply(ANSWERED, ""));
        assertThat(skipping.lines()).isEqualTo(1);

        ServerStep done = skipping.advance("abcde tail", LIMITS, rest -> false, this::remember, ANSWERED);

        assertThat(done).isEqualTo(new ServerStep.Reply(ANSWERED, "A1 OK\r\n"));
    }

    @Test
    void aLiteralOverTheBoundClosesWithTheProtocolsWords() {
        ServerStep step = LiteralSkip.after("A1 OK\r\n", BYES, "A1 X {11+}", 1, LIMITS, this::remember);

        assertThat(step).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.failure().reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
            assertThat(close.send()).isEqualTo("too big\r\n");
        });
    }

    @Test
    void aCommandOfMoreLinesThanTheBoundCloses() {
        LiteralSkip.after("A1 OK\r\n", BYES, "A1 X {10+}", 3, LIMITS, this::remember);

        ServerStep step = skipping.advance("ab", LIMITS, rest -> true, this::remember, ANSWERED);

        assertThat(step).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.failure().reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
            assertThat(close.send()).isEqualTo("too long\r\n");
        });
    }

    @Test
    void aLiteralEndingBetweenCrAndLfIsMalformed() {
        LiteralSkip.after("A1 OK\r\n", BYES, "A1 X {4+}", 1, LIMITS, this::remember);

        // "abc" and its CR are the literal's 4 bytes: the LF would start the rest of the command.
        ServerStep step = skipping.advance("abc", LIMITS, rest -> false, this::remember, ANSWERED);

        assertThat(step).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.failure().reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
            assertThat(close.send()).isEqualTo("malformed\r\n");
        });
    }

    @Test
    void aFurtherLiteralOnTheSameCommandIsSkippedToo() {
        LiteralSkip.after("A1 OK\r\n", BYES, "A1 X {2+}", 1, LIMITS, this::remember);

        ServerStep step = skipping.advance("ab more {4+}", LIMITS, rest -> rest.endsWith("+}"), this::remember, ANSWERED);

        assertThat(step).isEqualTo(new ServerStep.Reply(ANSWERED, ""));
        assertThat(skipping.lines()).isEqualTo(2);
        assertThat(skipping.literal().remaining()).isEqualTo(4);
    }
}
