package org.starttls4j.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Failure;
import org.starttls4j.internal.dialog.Read;

class Pop3ReplyReaderTest {

    private static Pop3Reply complete(Read<Pop3ReplyReader, Pop3Reply> read) {
        assertThat(read).isInstanceOf(Read.Complete.class);
        return ((Read.Complete<Pop3ReplyReader, Pop3Reply>) read).reply();
    }

    private static Pop3ReplyReader more(Read<Pop3ReplyReader, Pop3Reply> read) {
        assertThat(read).isInstanceOf(Read.More.class);
        return ((Read.More<Pop3ReplyReader, Pop3Reply>) read).next();
    }

    private static Failure bad(Read<Pop3ReplyReader, Pop3Reply> read) {
        assertThat(read).isInstanceOf(Read.Bad.class);
        return ((Read.Bad<Pop3ReplyReader, Pop3Reply>) read).failure();
    }

    @Test
    void statusLinesAreReadWithTheirText() {
        assertThat(Pop3Reply.parseStatus("+OK POP3 server ready <1.2@host>"))
                .isEqualTo(new Pop3Reply(true, "POP3 server ready <1.2@host>", List.of()));
        assertThat(Pop3Reply.parseStatus("+OK")).isEqualTo(new Pop3Reply(true, "", List.of()));
        assertThat(Pop3Reply.parseStatus("-ERR no")).isEqualTo(new Pop3Reply(false, "no", List.of()));
        assertThat(Pop3Reply.parseStatus("-ERR")).isEqualTo(new Pop3Reply(false, "", List.of()));
        assertThat(Pop3Reply.parseStatus("+OK  two spaces")).isEqualTo(new Pop3Reply(true, " two spaces", List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+ok", "-err nope", "OK", "+OKAY", "-ERROR", " +OK", "220 smtp", "* OK imap", "+OK\tx"})
    void anythingButAnUpperCaseStatusIndicatorIsMalformed(String line) {
        assertThat(Pop3Reply.parseStatus(line)).isNull();
        Failure failure = bad(Pop3ReplyReader.empty(10).accept(line));
        assertThat(failure.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        assertThat(failure.peerReply()).contains(line);
    }

    @Test
    void aMultiLineResponseEndsAtALoneDotAndIsUnstuffed() {
        Pop3ReplyReader r = more(Pop3ReplyReader.empty(10).accept("+OK Capability list follows"));
        r = more(r.accept("TOP"));
        r = more(r.accept("..HIDDEN-DOT arg"));
        r = more(r.accept(". "));
        r = more(r.accept("..."));
        r = more(r.accept(""));
        assertThat(complete(r.accept("."))).isEqualTo(
                new Pop3Reply(true, "Capability list follows", List.of("TOP", ".HIDDEN-DOT arg", " ", "..", "")));
    }

    @Test
    void aNegativeAnswerToAMultiLineCommandIsOneLine() {
        assertThat(complete(Pop3ReplyReader.empty(10).accept("-ERR unknown command")))
                .isEqualTo(new Pop3Reply(false, "unknown command", List.of()));
    }

    @Test
    void theStatusLineAndTheDataLinesCountTowardsTheBoundButTheDotDoesNot() {
        Pop3ReplyReader r = more(Pop3ReplyReader.empty(3).accept("+OK"));
        r = more(r.accept("ONE"));
        r = more(r.accept("TWO"));
        assertThat(complete(r.accept(".")).lines()).containsExactly("ONE", "TWO");
        Failure failure = bad(r.accept("THREE"));
        assertThat(failure.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
        assertThat(failure.peerReply()).contains("THREE");
    }

    @Test
    void aReaderIsAValueThatGivesTheSameAnswerEachTime() {
        Pop3ReplyReader r = more(more(Pop3ReplyReader.empty(10).accept("+OK")).accept("A"));
        Pop3ReplyReader withB = more(r.accept("B"));
        Pop3ReplyReader withC = more(r.accept("C"));
        assertThat(complete(withB.accept(".")).lines()).containsExactly("A", "B");
        assertThat(complete(withC.accept(".")).lines()).containsExactly("A", "C");
        assertThat(complete(r.accept(".")).lines()).containsExactly("A");
    }

    @Test
    void summariesShowTheResponseAsSent() {
        assertThat(new Pop3Reply(true, "list", List.of("TOP", "STLS")).summary()).isEqualTo("+OK list / TOP / STLS");
        assertThat(new Pop3Reply(false, "", List.of()).summary()).isEqualTo("-ERR");
    }
}
