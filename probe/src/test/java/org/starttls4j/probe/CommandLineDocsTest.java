package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What docs/COMMAND-LINE.md and the README's "The command line" say the command line takes, it
 * takes: every subcommand they name answers {@code --help}, every {@code --option} they mention is
 * in the help of a subcommand, and a default the options table gives is the one the help gives.
 * A renamed or dropped option, or a changed default, fails here until the documents follow.
 */
class CommandLineDocsTest {

    private static final Path DOC = Path.of("..", "docs", "COMMAND-LINE.md");
    private static final Path README = Path.of("..", "README.md");
    private static final List<String> SUBCOMMANDS = List.of("probe", "audit", "serve", "demo");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");
    private static final Pattern OPTION_ROW = Pattern.compile("(?m)^\\| `(--[a-z][a-z0-9-]*)[^`]*`[^|]*\\| (.*) \\|$");
    private static final Pattern DOC_DEFAULT = Pattern.compile("default `?([\\w.]+)`?");

    @Test
    void everySubcommandTheDocumentsNameAnswersHelp() throws IOException {
        String readme = readmeSection();
        for (String command : SUBCOMMANDS) {
            assertThat(readme).as("README's command table names " + command).contains("`starttls4j " + command);
            Cli.Result help = Cli.run(command, "--help");
            assertThat(help.status()).as(help.toString()).isZero();
            assertThat(help.out()).startsWith("Usage: starttls4j " + command);
        }
    }

    @Test
    void everyOptionTheDocumentsMentionIsInTheHelpOfASubcommand() throws IOException {
        String helps = helps().values().stream().reduce("", String::concat);
        Set<String> mentioned = options(Files.readString(DOC, StandardCharsets.UTF_8) + readmeSection());

        assertThat(mentioned).as("options mentioned in docs/COMMAND-LINE.md").contains("--policy", "--json", "--hostile");
        for (String option : mentioned) {
            assertThat(helps).as("the help of probe, audit and serve mentions " + option + " (docs/COMMAND-LINE.md or README)")
                    .containsPattern(Pattern.quote(option) + "(?![\\w-])");
        }
    }

    @Test
    void theDefaultsOfTheOptionsTableAreTheHelps() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String table = doc.substring(doc.indexOf("**Options of `probe` and `audit`**"), doc.indexOf("```text"));
        String probeHelp = helps().get("probe");
        int checked = 0;
        Matcher row = OPTION_ROW.matcher(table);
        while (row.find()) {
            Matcher stated = DOC_DEFAULT.matcher(row.group(2));
            if (stated.find()) {
                assertThat(helpOf(probeHelp, row.group(1))).as("probe --help on " + row.group(1) + " (docs/COMMAND-LINE.md: "
                        + stated.group() + ")").contains("default: " + stated.group(1));
                checked++;
            }
        }
        assertThat(checked).as("options whose default the table states").isGreaterThanOrEqualTo(5);
    }

    @Test
    void anOptionsHelpIsItsOwnParagraphOnly() {
        String help = String.join("\n",
                "      --tls-min=1.2|1.3     Oldest TLS version accepted (default: 1.2).",
                "      --timeout=SECONDS     Bound on the connect and on every wait (default:",
                "                              20).",
                "      --json                Print one JSON object instead of text.");

        assertThat(helpOf(help, "--timeout")).isEqualTo("--timeout=SECONDS Bound on the connect and on every wait (default: 20).");
    }

    /** The option's line and its continuation lines, whitespace collapsed. */
    static String helpOf(String help, String option) {
        Matcher start = Pattern.compile("(?m)^\\s+(?:-\\w, )?" + Pattern.quote(option) + "(?![\\w-])").matcher(help);
        assertThat(start.find()).as("help has " + option).isTrue();
        Matcher next = Pattern.compile("(?m)^\\s{1,8}-").matcher(help);
        int end = next.find(start.end()) ? next.start() : help.length();
        return help.substring(start.start(), end).strip().replaceAll("\\s+", " ");
    }

    private static Map<String, String> helps() {
        Map<String, String> helps = new LinkedHashMap<>();
        for (String command : List.of("probe", "audit", "serve")) {
            helps.put(command, Cli.run(command, "--help").out());
        }
        return helps;
    }

    private static Set<String> options(String text) {
        Set<String> options = new LinkedHashSet<>();
        Matcher m = OPTION.matcher(text);
        while (m.find()) {
            options.add(m.group());
        }
        options.remove("--help");
        return options;
    }

    private static String readmeSection() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("## The command line");
        assertThat(start).as("README has '## The command line'").isNotNegative();
        return readme.substring(start, readme.indexOf("\n## ", start + 1));
    }
}
