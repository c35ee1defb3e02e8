package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public face and the inside, read from the compiled classes: what the module exports, and the
 * cycles among the core's packages (by {@code jdeps}, the JDK's own dependency analyser).
 */
class PackageGraphTest {

    private static Path classes;
    private static Map<String, Set<String>> graph;

    @BeforeAll
    static void readTheCompiledCore() throws Exception {
        classes = Path.of(Failure.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        graph = packageGraph(classes);
    }

    @Test
    void theGraphIsRead() {
        // guards the tests below against an empty reading of jdeps' output
        assertThat(graph).containsKeys("org.starttls4j", "org.starttls4j.smtp", "org.starttls4j.internal.tls");
        assertThat(graph.get("org.starttls4j.smtp")).contains("org.starttls4j");
    }

    @Test
    void noPackageCycle() {
        assertThat(cycles(graph)).isEmpty();
    }

    @Test
    void theInsideDependsOnNothingOutsideIt() {
        // The public face uses the inside, never the reverse: the inside sees the JDK and itself.
        for (String inside : List.of("org.starttls4j.internal", "org.starttls4j.internal.text", "org.starttls4j.internal.tls")) {
            assertThat(graph.getOrDefault(inside, Set.of())).as(inside).allMatch(p -> p.startsWith("org.starttls4j.internal"));
        }
    }

    @Test
    void everyProblemTheInsideTellsHasItsPublicName() {
        for (org.starttls4j.internal.tls.Problem problem : org.starttls4j.internal.tls.Problem.values()) {
            assertThat(TlsFailures.problem(problem).name()).isEqualTo(problem.name());
        }
        assertThat(CertificateStrength.DEFAULT.floor()).isEqualTo(org.starttls4j.internal.tls.StrengthFloor.DEFAULT);
    }

    @Test
    void theModuleExportsNoInternalPackage() throws Exception {
        ModuleDescriptor module;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            module = ModuleDescriptor.read(in);
        }
        Set<String> exported = new TreeSet<>();
        module.exports().forEach(e -> exported.add(e.source()));

        assertThat(exported).contains("org.starttls4j", "org.starttls4j.smtp")
                .noneMatch(p -> p.contains(".internal"));
        Set<String> packages = new TreeSet<>();
        try (var files = Files.walk(classes)) {
            files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class"))
                    .forEach(f -> packages.add(classes.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), ".")));
        }
        assertThat(packages).contains("org.starttls4j.internal.tls", "org.starttls4j.internal.text");
        Set<String> hidden = new TreeSet<>(packages);
        hidden.removeAll(exported);
        assertThat(hidden).allMatch(p -> p.startsWith("org.starttls4j.internal"));
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> twoWay = Map.of("a", Set.of("b"), "b", Set.of("a", "c"), "c", Set.of());

        assertThat(cycles(twoWay)).containsExactly(Set.of("a", "b"));
    }

    /** Package to the packages of this module it uses, from {@code jdeps -verbose:package}. */
    static Map<String, Set<String>> packageGraph(Path classes) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", classes.toString());
        assertThat(status).as("jdeps: %s", err).isZero();
        Map<String, Set<String>> graph = new TreeMap<>();
        Matcher edge = Pattern.compile("^\\s+(org\\.starttls4j[\\w.]*)\\s+->\\s+(org\\.starttls4j[\\w.]*)\\s").matcher("");
        for (String line : out.toString().split("\\R")) {
            if (edge.reset(line + " ").find() && !edge.group(1).equals(edge.group(2))) {
                graph.computeIfAbsent(edge.group(1), k -> new TreeSet<>()).add(edge.group(2));
            }
        }
        return graph;
    }

    /** The strongly connected components of more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> found = new ArrayList<>();
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}
