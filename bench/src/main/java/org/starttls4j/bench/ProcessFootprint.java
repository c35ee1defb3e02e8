package org.starttls4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What this JVM holds, read from inside it (Linux): the live heap after full collections, the
 * memory Native Memory Tracking accounts for (when the JVM runs with
 * {@code -XX:NativeMemoryTracking=summary}; the same report as {@code jcmd <pid> VM.native_memory
 * summary}, through the diagnostic command MBean), the resident set size and the open file
 * descriptors from {@code /proc/self}.
 *
 * <p>NMT sees the JVM's own allocations (heap, metaspace, threads, code, direct buffers), not
 * what a native library takes with {@code malloc} (BoringSSL's engines); the resident set size
 * sees both, and glibc's own counts (through {@code jcmd VM.info}) split the C heap into what is in
 * use and what is free but kept. With {@code -Xms} equal to {@code -Xmx} and {@code -XX:+AlwaysPreTouch} the heap is
 * resident from the start, so a change of the resident set size is native memory alone.
 *
 * @param heapUsed         bytes of live heap after full collections ({@link IdleMemory#usedHeap()})
 * @param heapCommitted    bytes committed to the heap
 * @param nmtCommitted     bytes committed in NMT's total (-1 without NMT)
 * @param nmtHeapCommitted bytes committed in NMT's "Java Heap" line (-1 without NMT)
 * @param rss              resident set size in bytes ({@code VmRSS})
 * @param fds              open file descriptors
 * @param cHeapInUse       bytes the C library's {@code malloc} has handed out and not had back, its chunk
 *                         headers included (glibc's {@code mallinfo2}, as {@code jcmd VM.info} prints it:
 *                         "C-Heap outstanding allocations"); -1 if unknown
 * @param cHeapFree        bytes free inside the C library's heap but kept by it ("retained"); -1 if unknown
 */
record ProcessFootprint(long heapUsed, long heapCommitted, long nmtCommitted, long nmtHeapCommitted, long rss, int fds,
                        long cHeapInUse, long cHeapFree) {

    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern C_HEAP = Pattern.compile("C-Heap outstanding allocations: (\\d+)K, retained: (\\d+)K");

    /**
     * Reads this JVM's footprint now (several full collections first).
     *
     * @return the footprint
     * @throws IOException if {@code /proc/self} cannot be read
     * @throws InterruptedException if interrupted while the collections settle
     */
    static ProcessFootprint read() throws IOException, InterruptedException {
        return read(false);
    }

    /**
     * Reads this JVM's footprint now (several full collections first, then, if asked, a
     * {@linkplain #trimNativeHeap() trim of the C heap}).
     *
     * @param trim whether to return the C heap's free pages to the system before reading the resident set size
     * @return the footprint
     * @throws IOException if {@code /proc/self} cannot be read
     * @throws InterruptedException if interrupted while the collections settle
     */
    static ProcessFootprint read(boolean trim) throws IOException, InterruptedException {
        long heapUsed = IdleMemory.usedHeap();
        if (trim) {
            trimNativeHeap();
        }
        long heapCommitted = Runtime.getRuntime().totalMemory();
        String nmt = nativeMemorySummary();
        long nmtTotal = kilobytes(NMT_TOTAL, nmt);
        long nmtHeap = kilobytes(NMT_HEAP, nmt);
        long rss = kilobytes(RSS, Files.readString(Paths.get("/proc/self/status")));
        int fds;
        try (Stream<Path> list = Files.list(Paths.get("/proc/self/fd"))) {
            fds = (int) list.count();
        }
        Matcher cHeap = C_HEAP.matcher(diagnosticCommand("vmInfo"));
        boolean known = cHeap.find();
        return new ProcessFootprint(heapUsed, heapCommitted, nmtTotal, nmtHeap, rss, fds,
                known ? Long.parseLong(cHeap.group(1)) * 1024 : -1, known ? Long.parseLong(cHeap.group(2)) * 1024 : -1);
    }

    /**
     * The bytes glibc's {@code malloc} has handed out now ({@code mallinfo2}, as {@code jcmd VM.info}
     * prints it), without collecting first.
     *
     * @return the bytes, or -1 if {@code VM.info} does not say
     */
    static long cHeapInUseNow() {
        Matcher cHeap = C_HEAP.matcher(diagnosticCommand("vmInfo"));
        return cHeap.find() ? Long.parseLong(cHeap.group(1)) * 1024 : -1;
    }

    /** Native memory outside the heap as NMT counts it, or -1 without NMT. */
    long nmtNonHeap() {
        return nmtCommitted < 0 ? -1 : nmtCommitted - nmtHeapCommitted;
    }

    /**
     * Resident memory outside the heap: everything native, NMT's and the native libraries'. The
     * heap's share is NMT's figure where there is one: {@code Runtime.totalMemory()} leaves out one
     * survivor space, which is resident all the same.
     */
    long residentNonHeap() {
        return rss - (nmtHeapCommitted > 0 ? nmtHeapCommitted : heapCommitted);
    }

    /** Live heap plus resident native memory: what the process holds for its data. */
    long total() {
        return heapUsed + residentNonHeap();
    }

    /**
     * As {@code key=value} pairs, for the line protocol between the scale processes.
     *
     * @return the fields, in order
     */
    Map<String, Long> fields() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("heapUsed", heapUsed);
        m.put("heapCommitted", heapCommitted);
        m.put("nmtCommitted", nmtCommitted);
        m.put("nmtHeapCommitted", nmtHeapCommitted);
        m.put("rss", rss);
        m.put("fds", (long) fds);
        m.put("cHeapInUse", cHeapInUse);
        m.put("cHeapFree", cHeapFree);
        return m;
    }

    /**
     * Parses what {@link #fields()} wrote.
     *
     * @param f the fields
     * @return the footprint
     */
    static ProcessFootprint of(Map<String, String> f) {
        return new ProcessFootprint(Long.parseLong(f.get("heapUsed")), Long.parseLong(f.get("heapCommitted")),
                Long.parseLong(f.get("nmtCommitted")), Long.parseLong(f.get("nmtHeapCommitted")),
                Long.parseLong(f.get("rss")), Integer.parseInt(f.get("fds")),
                Long.parseLong(f.getOrDefault("cHeapInUse", "-1")), Long.parseLong(f.getOrDefault("cHeapFree", "-1")));
    }

    /**
     * The first lines of {@code jcmd <pid> GC.class_histogram} (which collects first): the classes
     * that hold the most live heap, to say what a per-session figure is made of.
     *
     * @param lines how many lines
     * @return the lines, or the reason there are none
     */
    static String heapHistogram(int lines) {
        return heapHistogram().lines().limit(lines).collect(java.util.stream.Collectors.joining("\n"));
    }

    /**
     * The whole of {@code jcmd <pid> GC.class_histogram} (which collects first).
     *
     * @return the histogram, or an empty string if the command failed
     */
    static String heapHistogram() {
        return diagnosticCommand("gcClassHistogram");
    }

    /**
     * Has the C library return the free pages of its heap to the system ({@code jcmd <pid>
     * System.trim_native_heap}, glibc's {@code malloc_trim}): what {@code -XX:TrimNativeHeapInterval}
     * does periodically in a deployment. The memory it releases was free already; the resident set
     * size afterwards is what the process's native allocations hold.
     *
     * @return what the command said (the resident set size before and after), or an empty string
     */
    static String trimNativeHeap() {
        return diagnosticCommand("systemTrimNativeHeap");
    }

    /** {@code jcmd VM.native_memory summary} from inside; empty when NMT is off. */
    private static String nativeMemorySummary() {
        return diagnosticCommand("vmNativeMemory", "summary");
    }

    /** A {@code jcmd} command run inside this JVM through the diagnostic command MBean; empty if it fails. */
    private static String diagnosticCommand(String operation, String... args) {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                    new Object[] {args}, new String[] {String[].class.getName()});
            return String.valueOf(out);
        } catch (JMException e) {
            return "";
        }
    }

    private static long kilobytes(Pattern p, String text) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return -1;
        }
        return Long.parseLong(m.group(m.groupCount())) * 1024;
    }
}
