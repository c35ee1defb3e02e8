package org.starttls4j.internal.dialog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;
import org.starttls4j.TlsPolicy;
import org.starttls4j.nntp.NntpServerDialog;

/** Passing over a refused TAKETHIS's article, on its own. */
class ArticleSkipTest {

    private static final ServerDialog NNTP = NntpServerDialog.create(ServerConfig.builder().policy(TlsPolicy.REQUIRED).build());

    @Test
    void linesUpToTheLoneDotAreDataAndTheRefusalFollowsIt() {
        ServerStep first = ArticleSkip.after(NNTP, "483 no\r\n");
        assertThat(first).isInstanceOfSatisfying(ServerStep.Reply.class, reply -> assertThat(reply.send()).isEmpty());
        ServerDialog skip = ((ServerStep.Reply) first).next();
        assertThat(skip.state()).isEqualTo("SkippingArticle");
        assertThat(skip.readsLiteral()).isTrue();

        for (String line : new String[] {"QUIT", "", "..", ". ", ".x", "STARTTLS"}) {
            assertThat(skip.onLine(line)).as(line).isEqualTo(new ServerStep.Reply(skip, ""));
        }
        assertThat(skip.onLine(".")).isEqualTo(new ServerStep.Reply(NNTP, "483 no\r\n"));
    }

    @Test
    void itSaysWhatTheProtocolSaysWhenItClosesAndNeverGreets() {
        ServerDialog skip = new ArticleSkip(NNTP, "483 no\r\n");
        assertThat(skip.farewell(Failure.Reason.TIMEOUT)).isEqualTo(NNTP.farewell(Failure.Reason.TIMEOUT)).isNotEmpty();
        assertThatThrownBy(skip::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("SkippingArticle");
    }
}
