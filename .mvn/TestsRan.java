import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Fails the build when a test class was compiled but not run: a class whose name matches none of
 * surefire's patterns is compiled and silently never executed, and its tests protect nothing.
 *
 * <p>A test class here is a concrete top-level class whose bytecode names a JUnit Jupiter or jqwik
 * test annotation. Each needs surefire's report, {@code TEST-<class>.xml}. Classes tagged with a
 * group the build excludes (e.g. {@code interop} outside {@code -Pinterop}) are skipped, and so is
 * the whole check when {@code -Dtest=...} picked tests by hand. Nested classes ({@code @Nested},
 * jqwik's {@code @Group}) run and report with their outer class.
 *
 * <p>Run by every module's {@code verify} phase (see the parent pom), with the JDK's source
 * launcher: {@code java TestsRan.java <test-classes> <surefire-reports> --excluded-groups=a,b --test=<-Dtest value>}.
 */
public class TestsRan {

    private static final List<String> TEST_ANNOTATIONS = List.of(
            "Lorg/junit/jupiter/api/Test;", "Lorg/junit/jupiter/params/ParameterizedTest;",
            "Lorg/junit/jupiter/api/RepeatedTest;", "Lorg/junit/jupiter/api/TestFactory;",
            "Lorg/junit/jupiter/api/TestTemplate;", "Lnet/jqwik/api/Property;", "Lnet/jqwik/api/Example;");
    private static final String TAG = "Lorg/junit/jupiter/api/Tag;";
    private static final int ACC_INTERFACE = 0x0200;
    private static final int ACC_ABSTRACT = 0x0400;

    public static void main(String[] args) throws IOException {
        Path classes = Path.of(args[0]);
        Path reports = Path.of(args[1]);
        Set<String> excludedGroups = words(option(args, "--excluded-groups="));
        String filter = option(args, "--test=").trim();
        if (!filter.isEmpty() && !filter.startsWith("${")) {
            System.out.println("[tests-ran] not checked: tests were picked with -Dtest=" + filter);
            return;
        }
        if (!Files.isDirectory(classes)) {
            return;
        }
        List<String> notRun = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                name = name.substring(0, name.length() - ".class".length());
                if (name.contains("$") || name.endsWith("package-info") || name.endsWith("module-info")) {
                    continue;
                }
                ClassFile c = ClassFile.read(file);
                if (!c.isTestClass() || c.isAbstract() || c.taggedWithOneOf(excludedGroups)) {
                    continue;
                }
                checked++;
                if (!Files.exists(reports.resolve("TEST-" + name + ".xml"))) {
                    notRun.add(name);
                }
            }
        }
        if (!notRun.isEmpty()) {
            System.err.println("[tests-ran] compiled but not run (rename to *Test, or add the pattern to surefire's includes):");
            notRun.stream().sorted().forEach(n -> System.err.println("[tests-ran]   " + n));
            System.exit(1);
        }
        System.out.println("[tests-ran] every one of " + checked + " test classes ran");
    }

    /** The value of {@code --name=value} among the arguments; empty if absent (an empty property may drop it). */
    private static String option(String[] args, String prefix) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return "";
    }

    private static Set<String> words(String list) {
        Set<String> words = new HashSet<>();
        for (String w : list.split("[,\\s]+")) {
            if (!w.isBlank() && !w.startsWith("${")) {
                words.add(w.trim());
            }
        }
        return words;
    }

    /** The two facts read from a class file: its access flags and the strings of its constant pool. */
    private record ClassFile(int access, Set<String> strings) {

        boolean isTestClass() {
            return TEST_ANNOTATIONS.stream().anyMatch(strings::contains);
        }

        boolean isAbstract() {
            return (access & (ACC_INTERFACE | ACC_ABSTRACT)) != 0;
        }

        /** Whether it uses {@code @Tag} and names an excluded group among its strings. */
        boolean taggedWithOneOf(Set<String> groups) {
            return strings.contains(TAG) && groups.stream().anyMatch(strings::contains);
        }

        static ClassFile read(Path file) throws IOException {
            try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
                if (in.readInt() != 0xCAFEBABE) {
                    throw new IOException("not a class file: " + file);
                }
                in.readUnsignedShort(); // minor version
                in.readUnsignedShort(); // major version
                int count = in.readUnsignedShort();
                Set<String> strings = new HashSet<>();
                for (int i = 1; i < count; i++) {
                    int tag = in.readUnsignedByte();
                    switch (tag) {
                        case 1 -> strings.add(in.readUTF());
                        case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                        case 15 -> in.skipNBytes(3);
                        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                        case 5, 6 -> {
                            in.skipNBytes(8);
                            i++; // a long or double takes two entries
                        }
                        default -> throw new IOException("constant pool tag " + tag + " in " + file);
                    }
                }
                return new ClassFile(in.readUnsignedShort(), strings);
            }
        }
    }
}
