package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code starttls4j} with no arguments: the embedded demo. */
class DemoTest {

    @Test
    void noArgumentsRunsTheDemoAndEveryConnectionIsSecured() {
        Cli.Result r = Cli.run();

        assertThat(r.status()).as(r.toString()).isZero();
        List<String> rows = r.out().lines().filter(l -> l.matches("  (SMTP|IMAP|POP3|LMTP|SIEVE|NNTP) .*")).toList();
        assertThat(rows).as(r.out()).hasSize(20).allMatch(l -> l.contains(" secured ") && l.contains("TLSv1.3"));
        for (String protocol : List.of("SMTP", "IMAP", "POP3", "LMTP", "SIEVE", "NNTP")) {
            for (String mode : protocol.equals("LMTP") || protocol.equals("SIEVE") ? List.of("STARTTLS") : List.of("STARTTLS", "implicit")) {
                for (String adapter : List.of("nio", "netty")) {
                    assertThat(rows).as(protocol + " " + mode + " " + adapter)
                            .anyMatch(l -> l.matches("  " + protocol + " +" + mode + " +\\d+ +" + adapter + " +secured .*"));
                }
            }
        }
        assertThat(r.out()).contains("All 20 connections secured", "verifies the name " + Demo.NAME);
        assertThat(r.out()).doesNotContain("\u001b[");
    }

    @Test
    void theDemoShowsBothAttacksRefusedAndEndsWithACommandThatRuns() {
        Cli.Result r = Cli.run();

        assertThat(r.out()).contains("refused  response injection", "(PLAINTEXT_INJECTION)", "refused  command injection")
                .doesNotContain("NOT REFUSED");
        List<String> lines = r.out().lines().toList();
        String last = lines.get(lines.size() - 1).strip();
        assertThat(last).startsWith("java -jar ").endsWith(" probe smtp://127.0.0.1:3025 --insecure --transcript");
        assertThat(lines.get(lines.size() - 2).strip()).endsWith(" serve smtp");
        // The command as printed parses: the same arguments minus "java -jar <jar>" are a valid probe.
        String[] printed = last.substring(last.indexOf(" probe ") + 1).split(" ");
        Cli.Result probe = Cli.run(printed);
        assertThat(probe.status()).as(probe.toString()).isNotEqualTo(Main.USAGE); // whatever listens on 3025, the command is valid
    }

    @Test
    void eachAttackOnItsOwnIsRefused() throws Exception {
        ServerIdentity identity = ServerIdentity.selfSigned(Demo.NAME);

        Demo.Attack injected = Demo.responseInjection(identity);
        Demo.Attack pipelined = Demo.commandInjection(identity);

        assertThat(injected.refused()).as(injected.what()).isTrue();
        assertThat(injected.what()).contains("PLAINTEXT_INJECTION");
        assertThat(pipelined.refused()).as(pipelined.what()).isTrue();
    }

    @Test
    void helpAndVersionExitZero() {
        Cli.Result help = Cli.run("--help");
        Cli.Result version = Cli.run("--version");

        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("probe", "audit", "serve", "demo").doesNotContain("diagrams");
        assertThat(version.status()).isZero();
        assertThat(version.out()).startsWith("starttls4j ");
    }
}
