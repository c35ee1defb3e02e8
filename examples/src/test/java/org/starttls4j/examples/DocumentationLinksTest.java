package org.starttls4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the README and the documents beside it leads somewhere: the file exists,
 * and an anchor ({@code #section}) names a heading of that file as GitHub renders it. A link into a
 * renamed section or a moved document is how a README goes stale without anyone noticing, so the
 * build fails on it. Links to other sites are not fetched (the build never leaves loopback), but
 * each {@code [RFC n]} used must have its {@code [RFC n]: https://...} definition.
 */
class DocumentationLinksTest {

    private static final Path ROOT = Path.of("..");
    /** The documents a reader reaches from the README; bench/RESULTS.md is written by bench/run, but its links count too. */
    private static final List<String> DIRECTORIES = List.of("docs", "bench", "probe");

    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[ \\t]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\n]*`");
    private static final Pattern INLINE_LINK = Pattern.compile("\\[([^\\]\n]*)\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern DEFINITION = Pattern.compile("(?m)^ {0,3}\\[([^\\]\n]+)\\]:\\s*(\\S+)");
    private static final Pattern RFC_REFERENCE = Pattern.compile("\\[(RFC \\d+)\\](?![(:\\[])");
    private static final Pattern HEADING = Pattern.compile("(?m)^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

    @Test
    void everyRelativeLinkAndAnchorOfTheDocumentationResolves() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).as("the documents checked").contains(ROOT.resolve("README.md"), ROOT.resolve("docs/SECURITY.md"));

        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            broken.addAll(brokenLinks(document, Files.readString(document, StandardCharsets.UTF_8)));
        }

        assertThat(broken).as("broken links (file: link -> why)").isEmpty();
    }

    @Test
    void aBrokenLinkOrAnchorIsFound() {
        Path readme = ROOT.resolve("README.md");
        String markdown = String.join("\n",
                "# Title",
                "## Failure reasons",
                "[ok](#failure-reasons) [ok too](docs/SECURITY.md) [ok, anchored](docs/PROTOCOLS.md#smtp-specifics)",
                "[no file](docs/NOPE.md) [no heading](#no-such-section) [no heading there](docs/SECURITY.md#nope)",
                "`[in code](docs/ALSO-NOPE.md)` [external](https://example.org/x) [RFC 1] [RFC 2]",
                "```",
                "[in a block](docs/NOPE-EITHER.md)",
                "```",
                "[RFC 1]: https://www.rfc-editor.org/rfc/rfc1");

        assertThat(brokenLinks(readme, markdown)).containsExactly(
                "README.md: docs/NOPE.md -> no such file",
                "README.md: #no-such-section -> no such heading in README.md",
                "README.md: docs/SECURITY.md#nope -> no such heading in SECURITY.md",
                "README.md: [RFC 2] -> used but never defined");
    }

    @Test
    void anchorsAreGitHubsHeadingSlugs() {
        assertThat(anchors("# Quick start: the NIO adapter\n## `Failure.Reason`s, and TLS-RPT\n## Scale\n## Scale\n"))
                .contains("quick-start-the-nio-adapter", "failurereasons-and-tls-rpt", "scale", "scale-1");
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>();
        documents.add(ROOT.resolve("README.md"));
        for (String directory : DIRECTORIES) {
            try (Stream<Path> files = Files.list(ROOT.resolve(directory))) {
                files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(documents::add);
            }
        }
        return documents;
    }

    static List<String> brokenLinks(Path document, String markdown) {
        String text = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
        String name = ROOT.relativize(document).toString().replace('\\', '/');
        List<String> broken = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        Matcher link = INLINE_LINK.matcher(text);
        while (link.find()) {
            targets.add(link.group(2));
        }
        Map<String, String> definitions = new HashMap<>();
        Matcher definition = DEFINITION.matcher(text);
        while (definition.find()) {
            definitions.put(definition.group(1).toLowerCase(Locale.ROOT), definition.group(2));
            targets.add(definition.group(2));
        }
        for (String target : targets) {
            whyBroken(document, markdown, target).ifPresent(why -> broken.add(name + ": " + target + " -> " + why));
        }
        Matcher rfc = RFC_REFERENCE.matcher(DEFINITION.matcher(text).replaceAll(""));
        Set<String> reported = new HashSet<>();
        while (rfc.find()) {
            if (!definitions.containsKey(rfc.group(1).toLowerCase(Locale.ROOT)) && reported.add(rfc.group(1))) {
                broken.add(name + ": [" + rfc.group(1) + "] -> used but never defined");
            }
        }
        return broken;
    }

    private static java.util.Optional<String> whyBroken(Path document, String markdown, String target) {
        if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) { // https:, mailto: ...: not fetched
            return java.util.Optional.empty();
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? document : document.getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return java.util.Optional.of("no such file");
        }
        if (anchor == null) {
            return java.util.Optional.empty();
        }
        String headings;
        try {
            headings = file.equals(document) ? markdown : Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return java.util.Optional.of("unreadable: " + e);
        }
        return anchors(headings).contains(anchor)
                ? java.util.Optional.empty()
                : java.util.Optional.of("no such heading in " + file.getFileName());
    }

    /** The anchors GitHub gives a Markdown file's headings (and any explicit HTML anchors). */
    static Set<String> anchors(String markdown) {
        String text = FENCE.matcher(markdown).replaceAll("");
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher heading = HEADING.matcher(text);
        while (heading.find()) {
            String slug = slug(heading.group(1));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        Matcher html = HTML_ANCHOR.matcher(text);
        while (html.find()) {
            anchors.add(html.group(1));
        }
        return anchors;
    }

    /** GitHub's rule: lower case, punctuation dropped (hyphens and underscores kept), each space a hyphen. */
    private static String slug(String heading) {
        String plain = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link in a heading: its text
        StringBuilder s = new StringBuilder();
        plain.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                s.appendCodePoint(c);
            } else if (c == ' ') {
                s.append('-');
            }
        });
        return s.toString();
    }
}
