package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.mtasts.StsPolicy;

/** The file format of {@link FilePolicyStore}: what it writes, what it reads back, and its bounds. */
class FilePolicyStoreTest {

    static final StsPolicy POLICY = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.test\nmx: *.example.net\nmax_age: 604800\n")
            .valid().orElseThrow();
    static final Instant FETCHED = Instant.ofEpochSecond(1_796_083_200L);

    @TempDir
    Path dir;

    @Test
    void theFileIsTheDocumentedLines() throws IOException {
        Path file = dir.resolve("c");
        FilePolicyStore.at(file).save(List.of(new CachedPolicy("Example.COM", POLICY, "20260101T010203", FETCHED)));
        String body = Base64.getEncoder().encodeToString(POLICY.toText().getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file, StandardCharsets.US_ASCII))
                .isEqualTo("starttls4j-mta-sts-cache 1\nexample.com 20260101T010203 1796083200 " + body + "\n");
        assertThat(FilePolicyStore.at(file).load()).containsExactly(new CachedPolicy("example.com", POLICY, "20260101T010203", FETCHED));
    }

    @Test
    void aMissingFileIsAnEmptyCache() throws IOException {
        assertThat(FilePolicyStore.at(dir.resolve("none")).load()).isEmpty();
    }

    @Test
    void aLineThatDoesNotReadBackIsSkippedAlone() throws IOException {
        Path file = dir.resolve("c");
        String good = FilePolicyStore.write(new CachedPolicy("example.com", POLICY, "1", FETCHED));
        String notAPolicy = "bad.example 1 1796083200 " + Base64.getEncoder().encodeToString("mode: enforce\n".getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, FilePolicyStore.HEADER + "\n" + String.join("\n", List.of(
                "no fields", "Upper.example 1 1 " + good.split(" ")[3], "x.example id-with-dash 1 AAAA",
                "x.example 1 -5 AAAA", "x.example 1 1 ###", notAPolicy, good, "")), StandardCharsets.US_ASCII);
        assertThat(FilePolicyStore.at(file).load()).extracting(CachedPolicy::domain).containsExactly("example.com");
    }

    @Test
    void aFileOfAnotherFormatIsIgnoredWhole() throws IOException {
        Path file = dir.resolve("c");
        String good = FilePolicyStore.write(new CachedPolicy("example.com", POLICY, "1", FETCHED));
        Files.writeString(file, "starttls4j-mta-sts-cache 2\n" + good + "\n", StandardCharsets.US_ASCII);
        assertThat(FilePolicyStore.at(file).load()).isEmpty();
    }

    @Test
    void aSaveLeavesOutTheOldestPoliciesThatDoNotFitAndALoadReadsNoFurtherThanTheBound() throws IOException {
        Path file = dir.resolve("c");
        List<CachedPolicy> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(new CachedPolicy("d" + i + ".example", POLICY, "1", FETCHED.plusSeconds(i)));
        }
        int line = FilePolicyStore.write(all.get(0)).length() + 1;
        int bound = FilePolicyStore.HEADER.length() + 1 + 3 * line;
        FilePolicyStore.at(file, bound).save(all);
        assertThat(Files.size(file)).isLessThanOrEqualTo(bound);
        assertThat(FilePolicyStore.at(file, bound).load()).extracting(CachedPolicy::domain).containsExactly("d7.example", "d8.example", "d9.example");

        FilePolicyStore.at(file).save(all);
        assertThat(FilePolicyStore.at(file, bound).load()).as("only the whole lines within the bound")
                .extracting(CachedPolicy::domain).containsExactly("d0.example", "d1.example", "d2.example");
        assertThat(FilePolicyStore.at(file, bound - 1).load()).hasSize(2);
    }

    @Test
    void aSaveReplacesTheFileWhole() throws IOException {
        Path file = dir.resolve("c");
        FilePolicyStore store = FilePolicyStore.at(file);
        store.save(List.of(new CachedPolicy("a.example", POLICY, "1", FETCHED), new CachedPolicy("b.example", POLICY, "1", FETCHED)));
        store.save(List.of(new CachedPolicy("c.example", POLICY, "2", FETCHED)));
        assertThat(store.load()).extracting(CachedPolicy::domain).containsExactly("c.example");
        assertThat(Files.list(dir)).containsExactly(file);
    }

    @Property(tries = 200)
    void noFileMakesTheLoadThrowOrReturnAnInvalidPolicy(@ForAll("files") String content) throws IOException {
        // jqwik gives properties no @TempDir: a file of their own, deleted after
        Path file = Files.createTempFile("policy-store", "");
        try {
            Files.write(file, content.getBytes(StandardCharsets.UTF_8));
            for (CachedPolicy p : FilePolicyStore.at(file).load()) {
                assertThat(StsPolicy.parse(p.policy().toText()).valid()).contains(p.policy());
            }
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<String> files() {
        String good = FilePolicyStore.write(new CachedPolicy("example.com", POLICY, "1", FETCHED));
        Arbitrary<String> line = Arbitraries.oneOf(Arbitraries.just(good), Arbitraries.strings().ofMaxLength(80),
                Arbitraries.strings().withChars("abc.0123 =+/").ofMaxLength(60),
                Arbitraries.strings().ofMaxLength(40).map(s -> good.substring(0, good.length() / 2) + s));
        return line.list().ofMaxSize(6).map(lines -> FilePolicyStore.HEADER + "\n" + String.join("\n", lines));
    }

    @Property(tries = 100)
    void whatIsSavedIsLoaded(@ForAll("domains") List<String> domains) throws IOException {
        Path file = Files.createTempFile("policy-store", "");
        List<CachedPolicy> policies = new ArrayList<>();
        for (int i = 0; i < domains.size(); i++) {
            policies.add(new CachedPolicy(domains.get(i), POLICY, "id" + i, FETCHED.plusSeconds(i)));
        }
        try {
            FilePolicyStore.at(file).save(policies);
            assertThat(FilePolicyStore.at(file).load()).isEqualTo(policies);
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<List<String>> domains() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(20);
        return label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l)).list().ofMaxSize(5).uniqueElements();
    }
}
