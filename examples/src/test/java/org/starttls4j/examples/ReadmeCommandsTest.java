package org.starttls4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's two commands are the ones the build and CI use: the demo's jar is the one the probe
 * module builds, and {@code .ci/run} runs the README's test command (with the interop profile the
 * README names), so a reader who runs what the README says runs what CI runs.
 */
class ReadmeCommandsTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern BASH_BLOCK = Pattern.compile("(?s)## Two commands\n.*?```bash\n(.*?)```");

    @Test
    void ciRunsTheReadmesTestCommand() throws IOException {
        List<String> commands = twoCommands();
        String testCommand = commands.get(1);
        List<String> ciCommands = Files.readAllLines(ROOT.resolve(".ci/run"), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> l.startsWith("mvn ")).toList();

        assertThat(testCommand).isEqualTo("mvn -B verify");
        assertThat(ciCommands).as(".ci/run's Maven commands").contains(testCommand + " -Pinterop");
        assertThat(readme()).as("README.md names the command CI runs").contains("`" + testCommand + " -Pinterop`");
    }

    @Test
    void theDemoCommandRunsTheJarTheProbeModuleBuilds() throws IOException {
        String demo = twoCommands().get(0);
        String pom = Files.readString(ROOT.resolve("probe/pom.xml"), StandardCharsets.UTF_8);

        assertThat(demo).isEqualTo("mvn -B -q -pl probe -am package -DskipTests && java -jar probe/target/starttls4j.jar");
        assertThat(pom).as("probe/pom.xml builds probe/target/starttls4j.jar")
                .contains("<finalName>starttls4j</finalName>").contains("<mainClass>org.starttls4j.probe.Main</mainClass>");
    }

    /** The non-comment lines of the README's "Two commands" block: the demo, then the tests. */
    private static List<String> twoCommands() throws IOException {
        Matcher block = BASH_BLOCK.matcher(readme());
        assertThat(block.find()).as("README.md has a ```bash block under '## Two commands'").isTrue();
        List<String> commands = block.group(1).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(commands).as("the commands under '## Two commands'").hasSize(2);
        return commands;
    }

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    }
}
