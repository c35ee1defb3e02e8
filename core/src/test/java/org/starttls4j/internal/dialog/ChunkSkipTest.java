package org.starttls4j.internal.dialog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.starttls4j.Capabilities;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;

/** The skipping of a refused BDAT's chunk (RFC 3030 §2), on its own, with dialogs made for it. */
class ChunkSkipTest {

    private static final Limits LIMITS = new Limits(100, 3, 1000, 10);

    /** A dialog that answers a command with its own name and the command: "GIVE" it hands over, "GO" is its go-ahead, "BYE" closes. */
    private record Echo(String name) implements ServerDialog {
        @Override
        public ServerStep start() {
            return new ServerStep.Reply(this, "hello\r\n");
        }

        @Override
        public ServerStep onLine(String line) {
            switch (line) {
                case "GIVE":
                    return new ServerStep.HandOver(Capabilities.NONE);
                case "GO":
                    return new ServerStep.GoAhead("go\r\n");
                case "BYE":
                    return new ServerStep.Close(Failure.of(Failure.Reason.SERVICE_CLOSING, "quit"), "bye\r\n");
                default:
                    return new ServerStep.Reply(this, name + ":" + line + "\r\n");
            }
        }

        @Override
        public String farewell(Failure.Reason reason) {
            return name + " bye " + reason + "\r\n";
        }
    }

    private static final Echo SMTP = new Echo("smtp");

    private static ChunkSkip skipping(ServerStep step) {
        assertThat(step).isInstanceOfSatisfying(ServerStep.Reply.class, reply -> assertThat(reply.send()).isEmpty());
        ServerDialog next = ((ServerStep.Reply) step).next();
        assertThat(next.state()).isEqualTo("SkippingChunk");
        assertThat(next.readsLiteral()).isTrue();
        return (ChunkSkip) next;
    }

    @Test
    void theSizeIsTheFirstArgumentsDigits() {
        assertThat(ChunkSkip.size("1024 LAST")).isEqualTo(1024);
        assertThat(ChunkSkip.size("7")).isEqualTo(7);
        assertThat(ChunkSkip.size("0 LAST")).isZero();
        assertThat(ChunkSkip.size("LAST")).isEqualTo(-1);
        assertThat(ChunkSkip.size("")).isEqualTo(-1);
        assertThat(ChunkSkip.size(" 5")).isEqualTo(-1);
        assertThat(ChunkSkip.size("5x LAST")).isEqualTo(-1);
        assertThat(ChunkSkip.size("-5")).isEqualTo(-1);
        assertThat(ChunkSkip.size("123456789012345678")).isEqualTo(123456789012345678L);
        assertThat(ChunkSkip.size("1234567890123456789")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theRefusalGoesOutWhenTheChunkEndsWithALineAndTheNextCommandAfterItsLastOctet() {
        ChunkSkip skip = skipping(ChunkSkip.after(SMTP, "no\r\n", 9, LIMITS, "big\r\n"));
        ChunkSkip rest = skipping(skip.onLine("abc"));
        assertThat(rest.chunk().remaining()).isEqualTo(4);
        assertThat(rest.onLine("de")).as("the chunk ends with the CRLF").isEqualTo(new ServerStep.Reply(SMTP, "no\r\n"));
        assertThat(rest.onLine("defgNOOP")).isEqualTo(new ServerStep.Reply(SMTP, "no\r\nsmtp:NOOP\r\n"));
        assertThat(rest.onLine("defg")).as("the CRLF after the chunk is an empty command").isEqualTo(new ServerStep.Reply(SMTP, "no\r\nsmtp:\r\n"));
    }

    @Test
    void anEmptyChunkOrNoneKnownIsRefusedAtOnceAndATooLargeOneCloses() {
        assertThat(ChunkSkip.after(SMTP, "no\r\n", 0, LIMITS, "big\r\n")).isEqualTo(new ServerStep.Reply(SMTP, "no\r\n"));
        assertThat(ChunkSkip.after(SMTP, "no\r\n", -1, LIMITS, "big\r\n")).isEqualTo(new ServerStep.Reply(SMTP, "no\r\n"));
        assertThat(ChunkSkip.after(SMTP, "no\r\n", 11, LIMITS, "big\r\n")).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.failure().reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
            assertThat(close.send()).isEqualTo("big\r\n");
        });
    }

    @Test
    void aChunkOfMoreLinesThanTheBoundClosesAndOneEndingBetweenCrAndLfIsMalformed() {
        ChunkSkip skip = skipping(ChunkSkip.after(SMTP, "no\r\n", 10, LIMITS, "big\r\n"));
        for (int line = 0; line < LIMITS.maxLinesPerReply(); line++) {
            skip = skipping(skip.onLine(""));
        }
        assertThat(skip.onLine("")).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.failure().reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
            assertThat(close.send()).isEqualTo("big\r\n");
        });
        ChunkSkip split = skipping(ChunkSkip.after(SMTP, "no\r\n", 4, LIMITS, "big\r\n"));
        assertThat(split.onLine("abc")).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.failure().reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
            assertThat(close.send()).isEqualTo("smtp bye MALFORMED_COMMAND\r\n");
        });
    }

    @Test
    void theRefusalGoesFirstWhateverTheNextCommandDoes() {
        ChunkSkip skip = skipping(ChunkSkip.after(SMTP, "no\r\n", 1, LIMITS, "big\r\n"));
        assertThat(skip.onLine("xGO")).isEqualTo(new ServerStep.GoAhead("no\r\ngo\r\n"));
        assertThat(skip.onLine("xBYE")).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.failure().reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
            assertThat(close.send()).isEqualTo("no\r\nbye\r\n");
        });
        assertThat(skip.onLine("xGIVE")).as("a hand-over cannot carry the refusal: closed instead")
                .isInstanceOfSatisfying(ServerStep.Close.class, close -> {
                    assertThat(close.failure().reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
                    assertThat(close.send()).isEqualTo("smtp bye MALFORMED_COMMAND\r\n");
                });
    }

    @Test
    void resumingWithAnotherDialogAnswersTheNextCommandAsThatDialog() {
        Echo lmtp = new Echo("lmtp");
        ChunkSkip skip = skipping(ChunkSkip.after(SMTP, "no\r\n", 2, LIMITS, "big\r\n")).resumingWith(lmtp);
        assertThat(skip.onLine("abEHLO c")).isEqualTo(new ServerStep.Reply(lmtp, "no\r\nlmtp:EHLO c\r\n"));
        assertThat(skip.farewell(Failure.Reason.TIMEOUT)).isEqualTo("lmtp bye TIMEOUT\r\n");
        assertThatThrownBy(skip::start).isInstanceOf(IllegalStateException.class);
    }
}
