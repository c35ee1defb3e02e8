package org.starttls4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateProblem;
import org.starttls4j.Failure;

/**
 * The README's "Failure reasons" table and docs/CERTIFICATES.md's problem table say what the code
 * does: every {@link Failure.Reason} and every {@link CertificateProblem} is listed exactly once,
 * and the TLS-RPT result types beside each are the ones {@link Failure#tlsRptResultType()} gives.
 * A reason added to the enum, or a mapping changed in the core, fails here until the tables follow.
 */
class FailureTablesTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path CERTIFICATES = Path.of("..", "docs", "CERTIFICATES.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void theReadmeListsEveryFailureReasonOnceWithItsTlsRptTypes() throws IOException {
        List<List<String>> rows = table(Files.readString(README, StandardCharsets.UTF_8), "## Failure reasons", "Reason");
        List<String> listed = new ArrayList<>();
        for (List<String> row : rows) {
            List<String> reasons = codes(row.get(0));
            listed.addAll(reasons);
            Set<String> types = new LinkedHashSet<>();
            for (String reason : reasons) {
                types.addAll(tlsRptTypes(Failure.Reason.valueOf(reason)));
            }
            assertThat(new LinkedHashSet<>(codes(row.get(2))))
                    .as("README.md, Failure reasons, TLS-RPT column of " + reasons)
                    .containsExactlyInAnyOrderElementsOf(types);
        }

        assertThat(listed).as("the reasons in README.md's Failure reasons table, against Failure.Reason")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Failure.Reason.values()).map(Enum::name).toList());
    }

    @Test
    void theReadmeNamesEveryCertificateProblemBesideCertificateRejected() throws IOException {
        List<String> row = table(Files.readString(README, StandardCharsets.UTF_8), "## Failure reasons", "Reason").stream()
                .filter(r -> codes(r.get(0)).contains(Failure.Reason.CERTIFICATE_REJECTED.name()))
                .findFirst().orElseThrow();

        assertThat(codes(row.get(1))).as("README.md: the problems named beside CERTIFICATE_REJECTED")
                .containsAll(Arrays.stream(CertificateProblem.values()).map(Enum::name).toList());
    }

    @Test
    void theCertificatesDocumentListsEveryProblemOnceWithItsTlsRptType() throws IOException {
        List<List<String>> rows = table(Files.readString(CERTIFICATES, StandardCharsets.UTF_8),
                "## Problems and their TLS-RPT result types", "`CertificateProblem`");
        List<String> listed = new ArrayList<>();
        for (List<String> row : rows) {
            String problem = codes(row.get(0)).get(0);
            listed.add(problem);
            assertThat(codes(row.get(2))).as("docs/CERTIFICATES.md, TLS-RPT type of " + problem)
                    .containsExactly(CertificateProblem.valueOf(problem).tlsRptResultType());
        }

        assertThat(listed).as("the problems in docs/CERTIFICATES.md, against CertificateProblem").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(CertificateProblem.values()).map(Enum::name).toList());
    }

    @Test
    void aTableIsReadFromItsSectionOnly() {
        String markdown = String.join("\n",
                "## Other", "| Reason | x |", "|---|---|", "| `NOT_THIS` | y |",
                "## Failure reasons", "Text.", "", "| Reason | Meaning | TLS-RPT |", "|---|---|---|",
                "| `A` / `B` | a \\| b | `t` |", "| `C` | c | `u` |", "after the table", "| `D` | d | `v` |");

        assertThat(table(markdown, "## Failure reasons", "Reason"))
                .containsExactly(List.of("`A` / `B`", "a \\| b", "`t`"), List.of("`C`", "c", "`u`"));
    }

    private static Set<String> tlsRptTypes(Failure.Reason reason) {
        if (reason != Failure.Reason.CERTIFICATE_REJECTED) {
            return Set.of(Failure.of(reason, "listed").tlsRptResultType());
        }
        return Arrays.stream(CertificateProblem.values())
                .map(p -> Failure.certificate(p, "listed", Optional.empty()).tlsRptResultType())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The body rows of the first table after {@code heading} whose header starts with {@code firstColumn}, as cells. */
    static List<List<String>> table(String markdown, String heading, String firstColumn) {
        List<String> lines = markdown.lines().toList();
        int at = lines.indexOf(heading);
        assertThat(at).as("heading '" + heading + "'").isNotNegative();
        int header = at + 1;
        while (header < lines.size() && !lines.get(header).startsWith("| " + firstColumn + " |")) {
            assertThat(lines.get(header)).as("the table under '" + heading + "' before the next section").doesNotStartWith("#");
            header++;
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            rows.add(cells(lines.get(i)));
        }
        assertThat(rows).as("rows of the table under '" + heading + "'").isNotEmpty();
        return rows;
    }

    private static List<String> cells(String row) {
        String inner = row.strip().substring(1, row.strip().length() - 1);
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static List<String> codes(String cell) {
        List<String> codes = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }
}
