package org.starttls4j.internal.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.Capabilities;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;
import org.starttls4j.TlsPolicy;
import org.starttls4j.nntp.NntpServerDialog;
import org.starttls4j.pop3.Pop3ServerDialog;
import org.starttls4j.sieve.SieveServerDialog;
import org.starttls4j.testing.TestPki;

/**
 * What the server outline decides once for NNTP, POP3 and ManageSieve: which commands the
 * application gets before TLS (DESIGN, non-negotiable 3), and a client's quit.
 */
class ServerOutlineTest {

    private static final String HOST = "mx.example.test";
    private static SSLContext context;

    @BeforeAll
    static void makeAContext() {
        context = TestPki.server(TestPki.KeyType.EC_P256, HOST).serverContext();
    }

    private static ServerConfig config(TlsPolicy policy, boolean allowAuthBeforeTls) {
        return ServerConfig.builder().policy(policy).hostname(HOST).sslContext(context).allowAuthBeforeTls(allowAuthBeforeTls).build();
    }

    /** A protocol of one credential command, LOGIN, and one application command, READ. */
    private static final class Fake extends ServerOutline {
        static final Capabilities ANNOUNCED = Capabilities.NONE;

        Fake(ServerConfig config) {
            super(config, new Words("args\r\n", "unavailable\r\n", "go\r\n",
                    new Farewells("t\r\n", "l\r\n", "m\r\n", "b\r\n", "x\r\n", "p\r\n", "c\r\n")),
                    new Commands(Set.of("LOGIN"), Set.of("READ"), "unknown\r\n", "login needs TLS\r\n", "TLS required\r\n"));
        }

        @Override
        public ServerStep start() {
            return reply("hello\r\n");
        }

        @Override
        protected ServerStep onCommand(String name, String arguments) {
            return name.equals("QUIT") ? quit("bye\r\n") : handOverOrRefuse(name);
        }

        @Override
        protected Capabilities announcedBeforeTls() {
            return ANNOUNCED;
        }
    }

    /** What the fake answers, as the text it sends or "HandOver". */
    private static String answer(TlsPolicy policy, boolean allowAuthBeforeTls, String line) {
        ServerStep step = new Fake(config(policy, allowAuthBeforeTls)).onLine(line);
        if (step instanceof ServerStep.HandOver handOver) {
            assertThat(handOver.capabilities()).isSameAs(Fake.ANNOUNCED);
            return "HandOver";
        }
        return ((ServerStep.Reply) step).send();
    }

    @Test
    void theApplicationGetsItsCommandsOnlyWherePlaintextIsAllowed() {
        // policy, AUTH allowed before TLS, then the answers to LOGIN, READ and anything else
        List<List<Object>> table = List.of(
                List.of(TlsPolicy.PLAINTEXT_ONLY, false, "login needs TLS\r\n", "HandOver", "unknown\r\n"),
                List.of(TlsPolicy.PLAINTEXT_ONLY, true, "HandOver", "HandOver", "unknown\r\n"),
                List.of(TlsPolicy.OPPORTUNISTIC, false, "login needs TLS\r\n", "HandOver", "unknown\r\n"),
                List.of(TlsPolicy.OPPORTUNISTIC, true, "HandOver", "HandOver", "unknown\r\n"),
                // (a configuration that requires TLS cannot allow AUTH before it: ServerConfig refuses)
                List.of(TlsPolicy.REQUIRED, false, "login needs TLS\r\n", "TLS required\r\n", "unknown\r\n"),
                List.of(TlsPolicy.IMPLICIT, false, "login needs TLS\r\n", "TLS required\r\n", "unknown\r\n"));
        for (List<Object> row : table) {
            TlsPolicy policy = (TlsPolicy) row.get(0);
            boolean allowed = (Boolean) row.get(1);
            String as = policy + (allowed ? ", AUTH allowed before TLS" : "");
            assertThat(answer(policy, allowed, "login user secret")).as(as).isEqualTo(row.get(2));
            assertThat(answer(policy, allowed, "READ 1")).as(as).isEqualTo(row.get(3));
            assertThat(answer(policy, allowed, "WRITE 1")).as(as).isEqualTo(row.get(4));
        }
    }

    @Test
    void aQuitClosesWithTheGoodbye() {
        ServerStep step = new Fake(config(TlsPolicy.REQUIRED, false)).onLine("quit");

        assertThat(step).isInstanceOfSatisfying(ServerStep.Close.class, close -> {
            assertThat(close.send()).isEqualTo("bye\r\n");
            assertThat(close.failure().reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        });
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "IMPLICIT"})
    void underARequiredPolicyNoProtocolHandsOverInPlaintext(TlsPolicy policy) {
        // The credential and application commands of each protocol.
        ServerConfig config = config(policy, false);
        List<ServerDialog> dialogs = List.of(NntpServerDialog.create(config), Pop3ServerDialog.create(config),
                SieveServerDialog.create(config));
        List<String> commands = List.of("AUTHINFO USER u", "ARTICLE 1", "GROUP misc", "USER u", "PASS p", "APOP u d", "AUTH PLAIN",
                "RETR 1", "AUTHENTICATE \"PLAIN\"", "PUTSCRIPT \"s\" {0+}", "LISTSCRIPTS");
        for (ServerDialog dialog : dialogs) {
            for (String command : commands) {
                assertThat(dialog.onLine(command)).as("%s: %s", dialog.getClass().getSimpleName(), command)
                        .isNotInstanceOf(ServerStep.HandOver.class);
            }
        }
    }
}
