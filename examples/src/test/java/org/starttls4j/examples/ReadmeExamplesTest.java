package org.starttls4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Java is code that compiles: every {@code ```java} block of README.md (and of
 * docs/TESTKIT.md, where the README's longer test kit examples went) is a region of this module's
 * sources or the test kit's examples, between a {@code // README: name} line and a
 * {@code // README end} line (compared without the region's common indentation), and every region
 * is in one of those documents.
 */
class ReadmeExamplesTest {

    /** The documents whose Java is compiled example code. */
    private static final List<Path> DOCUMENTS = List.of(Path.of("..", "README.md"), Path.of("..", "docs", "TESTKIT.md"));
    /** This module's examples, and the test kit's (real tests of that module, shown in "Testing your own mail code"). */
    private static final List<Path> SOURCES = List.of(Path.of("src", "main", "java"),
            Path.of("..", "testkit", "src", "test", "java", "example"));
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyJavaBlockOfTheReadmeIsCompiledExampleCode() throws IOException {
        Map<String, String> regions = regions();
        List<String> blocks = new ArrayList<>();
        for (Path document : DOCUMENTS) {
            List<String> own = javaBlocks(Files.readString(document, StandardCharsets.UTF_8));
            assertThat(own).as("Java blocks in " + document).isNotEmpty();
            for (String block : own) {
                assertThat(regions.values()).as(document + " shows Java that no example source holds (edit "
                        + "examples/src/main/java or testkit/src/test/java/example, between // README: and // README end, then paste it):\n" + block)
                        .contains(block);
            }
            blocks.addAll(own);
        }
        for (Map.Entry<String, String> region : regions.entrySet()) {
            assertThat(blocks).as("the example region '" + region.getKey() + "' is in none of " + DOCUMENTS).contains(region.getValue());
        }
    }

    @Test
    void regionsAreFoundAndUnindented() {
        Map<String, String> regions = regionsOf("x.java", String.join("\n",
                "class X {",
                "    void m() {",
                "        // README: demo",
                "        int a = 1;",
                "            a++;",
                "        // README end",
                "    }",
                "}"));

        assertThat(regions).containsExactly(Map.entry("demo", "int a = 1;\n    a++;\n"));
    }

    private static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static Map<String, String> regions() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        for (Path sources : SOURCES) {
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    all.putAll(regionsOf(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
                }
            }
        }
        assertThat(all).as("regions in " + SOURCES).isNotEmpty();
        return all;
    }

    static Map<String, String> regionsOf(String file, String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        String name = null;
        List<String> lines = new ArrayList<>();
        for (String line : source.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("// README:")) {
                name = trimmed.substring("// README:".length()).strip();
                lines.clear();
            } else if (trimmed.equals("// README end")) {
                assertThat(name).as(file + ": // README end without a start").isNotNull();
                regions.put(name, unindent(lines));
                name = null;
            } else if (name != null) {
                lines.add(line);
            }
        }
        assertThat(name).as(file + ": region '" + name + "' is never ended").isNull();
        return regions;
    }

    private static String unindent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder s = new StringBuilder();
        for (String line : lines) {
            s.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return s.toString();
    }
}
