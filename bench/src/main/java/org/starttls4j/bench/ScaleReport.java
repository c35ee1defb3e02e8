package org.starttls4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of a {@link ScaleRun}, per session and extrapolated, as the "Scale" section of
 * {@code bench/RESULTS.md}. The section lies between {@link #begin} and {@link #end} markers that
 * carry its name ({@code --section}, default {@value #DEFAULT_SECTION}), so that {@code bench/run}
 * (which rewrites the rest of the file) keeps every such section, and {@code bench/run --scale}
 * replaces its own alone.
 */
final class ScaleReport {

    /** The name of the section {@code bench/run --scale} writes by default. */
    static final String DEFAULT_SECTION = "scale";
    /** The heading of that section. */
    static final String DEFAULT_TITLE = "Scale: idle sessions and concurrent negotiations in one server process (issue 16, item 4)";
    private static final java.util.regex.Pattern ANY_SECTION = java.util.regex.Pattern.compile(
            "<!-- ([\\w-]+):begin \\(written by bench/run --scale, ScaleRun\\) -->.*?<!-- \\1:end -->",
            java.util.regex.Pattern.DOTALL);
    /** The count issue 16 asks for. */
    static final long TARGET_SESSIONS = 100_000;
    /** What those sessions may hold in one server process, heap plus native. */
    static final long TARGET_BYTES = 1L << 30;

    private final Map<String, String> options;
    private final List<Variant> variants;

    /**
     * @param options  the run's settings
     * @param variants one per server and engine
     */
    ScaleReport(Map<String, String> options, List<Variant> variants) {
        this.options = options;
        this.variants = variants;
    }

    /** The variants measured. */
    List<Variant> variants() {
        return variants;
    }

    /**
     * One server with one engine: what the clients saw in each phase and the server's three readings.
     *
     * @param server  {@code sslhandler}, {@code nio} or {@code netty}
     * @param engine  {@code jdk} or {@code boringssl}
     * @param warmup  the clients' answer to the warm-up
     * @param burst   the clients' answer to the burst (with every latency)
     * @param fill    the clients' answer to the fill
     * @param idle    the server's reading after the warm-up
     * @param atBurst the server's reading with the burst's sessions held
     * @param steps   the server's readings between the burst's and the last, in order (none in runs
     *                made before {@code --steps})
     * @param full    the server's reading with every session held
     * @param load    the load average before and after the burst
     * @param listen  the server's listen backlogs ({@code backlogs}, as {@code ss} shows them) and the
     *                kernel's listen-queue counters' growth during the burst ({@link ListenQueue#COUNTERS});
     *                empty when not recorded
     */
    record Variant(String server, String engine, Map<String, String> warmup, Map<String, String> burst,
                   Map<String, String> fill, Map<String, String> idle, Map<String, String> atBurst,
                   List<Map<String, String>> steps, Map<String, String> full, String load, Map<String, String> listen) {

        /** Copies the readings between the burst's and the last. */
        Variant {
            steps = List.copyOf(steps);
        }

        /** Sessions held at the last reading. */
        long sessions() {
            return Long.parseLong(full.get("live"));
        }

        /** Connections secured, over all three phases, as the clients counted them. */
        long secured() {
            return count("secured");
        }

        /** Connections that failed or never finished, over all three phases. */
        long notSecured() {
            return count("failed") + count("lost");
        }

        /** Full handshakes the clients verified (one per secured connection: nothing resumed). */
        long fullHandshakes() {
            return count("fullHandshakes");
        }

        /** Failures the server counted. */
        long serverFailures() {
            return Long.parseLong(full.get("failures"));
        }

        private long count(String key) {
            return Long.parseLong(warmup.get(key)) + Long.parseLong(burst.get(key)) + Long.parseLong(fill.get(key));
        }

        ProcessFootprint idleFootprint() {
            return ProcessFootprint.of(idle);
        }

        ProcessFootprint fullFootprint() {
            return ProcessFootprint.of(full);
        }

        /** Live heap per held session. */
        double heapPerSession() {
            return (double) (fullFootprint().heapUsed() - idleFootprint().heapUsed()) / sessions();
        }

        /** Resident native memory per held session (NMT's and the native libraries'). */
        double nativePerSession() {
            return (double) (fullFootprint().residentNonHeap() - idleFootprint().residentNonHeap()) / sessions();
        }

        /** The part of {@link #nativePerSession()} that Native Memory Tracking sees. */
        double nmtPerSession() {
            return (double) (fullFootprint().nmtNonHeap() - idleFootprint().nmtNonHeap()) / sessions();
        }

        /** C heap handed out by {@code malloc} per held session (NaN if the readings lack it). */
        double cHeapInUsePerSession() {
            return perSession(idleFootprint().cHeapInUse(), fullFootprint().cHeapInUse());
        }

        /** C heap free but kept by the C library, per held session (NaN if the readings lack it). */
        double cHeapFreePerSession() {
            return perSession(idleFootprint().cHeapFree(), fullFootprint().cHeapFree());
        }

        private double perSession(long before, long after) {
            return before < 0 || after < 0 ? Double.NaN : (double) (after - before) / sessions();
        }

        /** Heap plus native per held session. */
        double totalPerSession() {
            return heapPerSession() + nativePerSession();
        }

        /**
         * Heap plus native per session added after the burst: the fill's sessions alone, once the
         * allocators have grown to what a burst of negotiations needs.
         */
        double marginalPerSession() {
            ProcessFootprint b = ProcessFootprint.of(atBurst);
            long added = sessions() - Long.parseLong(atBurst.get("live"));
            return added <= 0 ? Double.NaN : (double) (fullFootprint().total() - b.total()) / added;
        }

        /**
         * The straight line through the readings from the burst's on (sessions held → heap plus
         * native), or empty with fewer than three readings.
         */
        Optional<Line> line() {
            List<Map<String, String>> readings = new java.util.ArrayList<>();
            readings.add(atBurst);
            readings.addAll(steps);
            readings.add(full);
            if (readings.size() < 3) {
                return Optional.empty();
            }
            double[] x = readings.stream().mapToDouble(r -> Long.parseLong(r.get("live"))).toArray();
            double[] y = readings.stream().mapToDouble(r -> ProcessFootprint.of(r).total()).toArray();
            return Optional.of(Line.fit(x, y));
        }

        /** Heap plus native of the process with no session, plus {@code n} sessions at the measured rate. */
        double extrapolated(long n) {
            return idleFootprint().total() + n * totalPerSession();
        }

        /** The burst's latencies, sorted, in microseconds. */
        long[] latencies() {
            String m = burst.getOrDefault("micros", "");
            long[] l = m.isEmpty() ? new long[0] : Arrays.stream(m.split(",")).mapToLong(Long::parseLong).toArray();
            Arrays.sort(l);
            return l;
        }

        /** A percentile of the burst's latencies in microseconds (nearest rank), or -1 with none. */
        long percentile(double p) {
            long[] l = latencies();
            if (l.length == 0) {
                return -1;
            }
            int rank = (int) Math.ceil(p / 100 * l.length);
            return l[Math.max(0, Math.min(l.length - 1, rank - 1))];
        }
    }

    /**
     * A least-squares straight line {@code y = intercept + slope · x} through readings.
     *
     * @param points      how many readings
     * @param slope       bytes per session
     * @param intercept   bytes at no session
     * @param r2          the share of the readings' variance the line explains
     * @param maxResidual the largest distance of a reading from the line, in bytes
     * @param firstX      sessions held at the first reading
     * @param lastX       sessions held at the last reading
     */
    record Line(int points, double slope, double intercept, double r2, double maxResidual, double firstX, double lastX) {

        static Line fit(double[] x, double[] y) {
            int n = x.length;
            double mx = Arrays.stream(x).average().orElseThrow();
            double my = Arrays.stream(y).average().orElseThrow();
            double sxy = 0;
            double sxx = 0;
            double syy = 0;
            for (int i = 0; i < n; i++) {
                sxy += (x[i] - mx) * (y[i] - my);
                sxx += (x[i] - mx) * (x[i] - mx);
                syy += (y[i] - my) * (y[i] - my);
            }
            double slope = sxy / sxx;
            double intercept = my - slope * mx;
            double worst = 0;
            for (int i = 0; i < n; i++) {
                worst = Math.max(worst, Math.abs(y[i] - (intercept + slope * x[i])));
            }
            return new Line(n, slope, intercept, syy == 0 ? 1 : sxy * sxy / (sxx * syy), worst, x[0], x[n - 1]);
        }

        double at(long sessions) {
            return intercept + slope * sessions;
        }
    }

    /**
     * The line that opens a section.
     *
     * @param section the section's name
     * @return the marker line
     */
    static String begin(String section) {
        return "<!-- " + section + ":begin (written by bench/run --scale, ScaleRun) -->";
    }

    /**
     * The line that closes a section.
     *
     * @param section the section's name
     * @return the marker line
     */
    static String end(String section) {
        return "<!-- " + section + ":end -->";
    }

    /** The section, markers included. */
    String markdown() {
        String section = options.getOrDefault("section", DEFAULT_SECTION);
        StringBuilder md = new StringBuilder(begin(section)).append('\n');
        md.append("## ").append(options.getOrDefault("title", DEFAULT_TITLE)).append("\n\n");
        md.append("Run on ").append(options.getOrDefault("date",
                        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))))
                .append(", commit ").append(options.getOrDefault("commit", commit())).append(", ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.vm.version")).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores shared with other work. Command: `").append(options.get("command")).append("`. Open files per process: ")
                .append(openFileLimit()).append(".\n\n");
        md.append("Each server in its own JVM (serial collector, ").append(options.get("server-heap"))
                .append(" heap fixed and pre-touched, Native Memory Tracking on), SMTP on ")
                .append(String.join(" and ", ScaleRun.SERVER_ADDRESSES)).append("; ").append(serverSettings()).append("; ")
                .append(options.get("clients"))
                .append(" client JVMs, each from four 127.0.x.y source addresses, Netty's `SslHandler` on the client side for every "
                        + "server (chain and host name checked, no resumption: one chain verified per connection). ECDSA P-256, "
                        + "TLS 1.3 only, session caches cut to one entry, the core's deadlines raised to 10 minutes. Per server and engine: ")
                .append(options.get("warmup")).append(" connections for warm-up (closed), then ").append(options.get("burst"))
                .append(" started at once (the burst), then more, 256 at a time per client, up to ").append(options.get("sessions"))
                .append(" held; every session answered its EHLO inside TLS and then stays idle. Memory per session = (reading with "
                        + "every session held − reading after the warm-up) ÷ sessions; heap = live heap after full collections; "
                        + "native = resident set size outside the heap (the heap is resident from the start), which includes what "
                        + "BoringSSL allocates with malloc; NMT = the part Native Memory Tracking accounts for (`jcmd VM.native_memory`). "
                        + "Kernel socket buffers are in neither. Method: [bench/README.md](README.md), section 6.\n\n");
        md.append("| engine | server | sessions held | heap / session | native / session (NMT) | total / session | "
                + "marginal / session after the burst → at 100,000 (**extrapolated**) | process at ")
                .append("this count | at 100,000 (**extrapolated**) | ≤ 1 GB |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Variant v : variants) {
            double at100k = v.extrapolated(TARGET_SESSIONS);
            md.append("| ").append(engineName(v.engine())).append(" | ").append(serverName(v.server())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", v.sessions())).append(" | ").append(kb(v.heapPerSession()))
                    .append(" | ").append(kb(v.nativePerSession())).append(" (").append(kb(v.nmtPerSession())).append(") | ")
                    .append(kb(v.totalPerSession())).append(" | ").append(kb(v.marginalPerSession())).append(" → ")
                    .append(mb(v.fullFootprint().total() + (TARGET_SESSIONS - v.sessions()) * v.marginalPerSession())).append(" | ")
                    .append(mb(v.fullFootprint().total())).append(" | ")
                    .append(mb(at100k)).append(" | ").append(at100k <= TARGET_BYTES ? "yes (extrapolated)" : "**no**").append(" |\n");
        }
        md.append("\nThe 100,000 column is **extrapolated**, not measured: this machine allows ").append(openFileLimit())
                .append(" open files per process (hard limit; `ulimit -n 300000` fails with \"Operation not permitted\" even for root), "
                        + "so one server process cannot hold more than about 19,900 sockets. It is the process with no session plus "
                        + "100,000 times the measured total per session; the marginal one is the process with every session held plus "
                        + "the rest at the marginal cost, which leaves out native memory the burst's handshakes freed but the C allocator "
                        + "kept (and later sessions may reuse), so the two bracket what 100,000 would hold.\n\n");
        md.append(linearity());
        md.append(nativeBreakdown());
        md.append("Concurrent negotiations: ").append(options.get("burst"))
                .append(" clients started at once against each server (connect to EHLO reply inside TLS, as each client measured it; "
                        + "the clients share the two cores with the server, so these are latencies of the whole machine, and unlike the "
                        + "memory figures they depend on the load: on a machine shared with other work, as here, only their ratios "
                        + "to the baseline, read beside the load average, mean anything). Ratios are to "
                        + "the `SslHandler` baseline with the same engine in the same run.\n\n");
        md.append("| engine | server | secured | not secured | p50 | p99 | max | p50 ÷ baseline | p99 ÷ baseline | listen backlog "
                + "| listen-queue overflows (drops) | load average (1, 5, 15 min) before → after |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Variant v : variants) {
            Optional<Variant> base = variants.stream()
                    .filter(b -> b.engine().equals(v.engine()) && b.server().equals("sslhandler")).findFirst();
            md.append("| ").append(engineName(v.engine())).append(" | ").append(serverName(v.server())).append(" | ")
                    .append(v.burst().get("secured")).append(" | ")
                    .append(Long.parseLong(v.burst().get("failed")) + Long.parseLong(v.burst().get("lost"))).append(" | ")
                    .append(millis(v.percentile(50))).append(" | ").append(millis(v.percentile(99))).append(" | ")
                    .append(millis(v.percentile(100))).append(" | ")
                    .append(base.map(b -> ratio(v.percentile(50), b.percentile(50))).orElse("–")).append(" | ")
                    .append(base.map(b -> ratio(v.percentile(99), b.percentile(99))).orElse("–")).append(" | ")
                    .append(v.listen().getOrDefault("backlogs", "not recorded")).append(" | ")
                    .append(v.listen().containsKey("ListenOverflows")
                            ? v.listen().get("ListenOverflows") + " (" + v.listen().get("ListenDrops") + ")" : "not recorded")
                    .append(" | ").append(v.load()).append(" |\n");
        }
        double spread = variants.stream().filter(v -> v.percentile(50) > 0)
                .mapToDouble(v -> (double) v.percentile(100) / v.percentile(50)).max().orElse(Double.NaN);
        md.append(String.format(Locale.ROOT, "%nThe slowest connection of a burst took at most %.2f times the median here: the event loops "
                + "(the server's and the clients') serve every connection in turn, so under a burst each negotiation takes about as "
                + "long as the whole burst, and these latencies are the time to secure all of them. The listen backlog is that of each "
                + "of the server's two listening sockets as `ss -ltn` shows it (each asks for %,d; the kernel caps it at "
                + "`net.core.somaxconn` = %s). A connection that finds the accept queue full is dropped and waits for its SYN to be "
                + "retried (1 s, then 2 s, 4 s, …): the overflows are the kernel's `TcpExt` counters `ListenOverflows` "
                + "(`ListenDrops`) over the burst, counted for the whole machine, so another program's listener may add to them.%n",
                spread, ScaleServer.BACKLOG, ListenQueue.somaxconn()));
        md.append("\nChecks over the whole run: ");
        for (Variant v : variants) {
            md.append(serverName(v.server())).append('/').append(engineName(v.engine())).append(": ").append(v.secured())
                    .append(" secured, ").append(v.notSecured()).append(" not, ").append(v.fullHandshakes())
                    .append(" full handshakes, ").append(v.serverFailures()).append(" server failures, ")
                    .append(v.fullFootprint().fds()).append(" open files at the end; ");
        }
        md.setLength(md.length() - 2);
        md.append(".\n");
        if (options.containsKey("from-raw")) {
            md.append("\nRendered again from that run's raw lines (`ScaleRun --from-raw`).\n");
        }
        md.append(end(section)).append('\n');
        return md.toString();
    }

    /**
     * Replaces the section of that name in {@code file} (or appends it; creates the file if needed).
     *
     * @param file    the Markdown file
     * @param name    the section's name
     * @param section the section, markers included
     * @throws IOException if the file cannot be read or written
     */
    static void writeSection(Path file, String name, String section) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        int begin = text.indexOf(begin(name));
        int end = text.indexOf(end(name));
        String updated;
        if (begin >= 0 && end > begin) {
            updated = text.substring(0, begin) + section + text.substring(end + end(name).length()).replaceFirst("^\n", "");
        } else {
            updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }

    /**
     * Every scale section now in {@code file}, markers included, each preceded by a blank line;
     * empty if none: what {@link Report} appends when it rewrites the file.
     *
     * @param file the Markdown file
     * @return the sections, or an empty string
     * @throws IOException if the file exists but cannot be read
     */
    static String existingSections(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        java.util.regex.Matcher m = ANY_SECTION.matcher(Files.readString(file, StandardCharsets.UTF_8));
        StringBuilder all = new StringBuilder();
        while (m.find()) {
            all.append('\n').append(m.group()).append('\n');
        }
        return all.toString();
    }

    /**
     * Whether memory grew in a straight line from the burst's reading to the last, and where that
     * line reaches at 100,000 sessions; empty for runs without intermediate readings.
     */
    private String linearity() {
        if (variants.stream().allMatch(v -> v.line().isEmpty())) {
            return "";
        }
        StringBuilder md = new StringBuilder("Growth with the sessions held: a least-squares straight line through the server's "
                + "readings (heap plus native) from the burst's to the last, the fill's sessions added 256 at a time per client "
                + "between them. The slope is the cost of one more session once the burst has grown the allocators; R² and the "
                + "largest distance of a reading from the line say how straight the growth is; the line carried to 100,000 is "
                + "a third estimate (**extrapolated**) beside the two above.\n\n");
        md.append("| engine | server | readings (sessions held) | slope / session | R² | largest residual | line at 100,000 "
                + "(**extrapolated**) | ≤ 1 GB |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Variant v : variants) {
            Optional<Line> line = v.line();
            if (line.isEmpty()) {
                continue;
            }
            Line l = line.get();
            double at100k = l.at(TARGET_SESSIONS);
            md.append("| ").append(engineName(v.engine())).append(" | ").append(serverName(v.server())).append(" | ")
                    .append(String.format(Locale.ROOT, "%d (%,.0f to %,.0f)", l.points(), l.firstX(), l.lastX())).append(" | ")
                    .append(kb(l.slope())).append(" | ").append(String.format(Locale.ROOT, "%.4f", l.r2())).append(" | ")
                    .append(mb(l.maxResidual())).append(" | ").append(mb(at100k)).append(" | ")
                    .append(at100k <= TARGET_BYTES ? "yes (extrapolated)" : "**no**").append(" |\n");
        }
        return md.append('\n').toString();
    }

    /**
     * Where the native memory per session goes, by glibc's own counts, and what the 100,000
     * extrapolation is made of: the paragraph that says what bounds the figure.
     */
    private String nativeBreakdown() {
        if (variants.stream().anyMatch(v -> Double.isNaN(v.cHeapInUsePerSession()))) {
            return "";
        }
        StringBuilder md = new StringBuilder("Native memory per session by glibc's own counts (`mallinfo2`, as `jcmd VM.info` "
                + "prints it): *in use* = handed out by `malloc` and not freed, chunk headers included (BoringSSL's objects "
                + "for each connection: its `SSL`, the record layer's keys, the session; the JVM's own allocations are in NMT's "
                + "share); *free, kept* = freed but kept by the C allocator (fragmentation, what the handshakes left behind); "
                + "*other* = resident pages neither count explains (NMT's share, partly used pages, arena tops). And what 100,000 sessions "
                + "would hold (**extrapolated**): the process with no session, the heap, the C heap in use, everything else.\n\n");
        md.append("| engine | server | native / session | C heap in use / session | C heap free, kept / session | other / session | "
                + "at 100,000 (**extrapolated**): process with no session + heap + C heap in use + free, kept and other = total |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Variant v : variants) {
            double rest = v.nativePerSession() - v.cHeapInUsePerSession();
            md.append("| ").append(engineName(v.engine())).append(" | ").append(serverName(v.server())).append(" | ")
                    .append(kb(v.nativePerSession())).append(" | ").append(kb(v.cHeapInUsePerSession())).append(" | ")
                    .append(kb(v.cHeapFreePerSession())).append(" | ").append(kb(v.nativePerSession() - v.cHeapInUsePerSession()
                            - v.cHeapFreePerSession())).append(" | ")
                    .append(mb(v.idleFootprint().total())).append(" + ").append(mb(TARGET_SESSIONS * v.heapPerSession()))
                    .append(" + ").append(mb(TARGET_SESSIONS * v.cHeapInUsePerSession()))
                    .append(rest < 0 ? " − " : " + ").append(mb(TARGET_SESSIONS * Math.abs(rest))).append(" = ")
                    .append(mb(v.extrapolated(TARGET_SESSIONS))).append(" |\n");
        }
        md.append("\nThe first reading's counts include the JIT compilers' passing allocations (up to about 10 MB, freed soon "
                + "after), so native differences between servers under about 0.5 KB per session are noise, and a negative "
                + "*free, kept* figure means the sessions reused memory freed before that reading. What bounds the 100,000 "
                + "figure, largest first: the C heap in use, BoringSSL's own objects for each connection (its `SSL`, the "
                + "record layer's AEAD states, the session: not ours, and not released while a connection is open; BoringSSL "
                + "already frees its record buffers whenever they are empty, and `SSL_MODE_RELEASE_BUFFERS`, which tcnative "
                + "sets, is 0 there); then the heap per session (Netty's channel, pipeline and engine objects, or "
                + "`NioServer`'s channel, the core's session and the JDK's socket); then the process with no session.");
        for (Variant v : variants) {
            double at = v.extrapolated(TARGET_SESSIONS);
            md.append(' ').append(serverName(v.server())).append(": ").append(mb(at))
                    .append(at <= TARGET_BYTES ? String.format(Locale.ROOT, ", %s under 1 GB (%,.0f MB);",
                            mb(TARGET_BYTES - at), TARGET_BYTES / (1024.0 * 1024))
                            : String.format(Locale.ROOT, ", %s over 1 GB;", mb(at - TARGET_BYTES)));
        }
        md.setLength(md.length() - 1);
        md.append(".\n\n");
        return md.toString();
    }

    /** The server process's deployment settings this run used, in words. */
    String serverSettings() {
        String arenas = options.getOrDefault("malloc-arenas", "default");
        return "C heap: " + (arenas.equals("default") ? "glibc's default arenas (up to 8 per core)" : "`MALLOC_ARENA_MAX=" + arenas + "`")
                + (options.getOrDefault("trim", "no").equals("yes")
                        ? ", its free pages returned to the system before each reading (`jcmd System.trim_native_heap`, what "
                                + "`-XX:TrimNativeHeapInterval` does periodically in a deployment)"
                        : ", never trimmed")
                + "; `NioServer` " + (options.getOrDefault("transcript", "drop").equals("keep")
                        ? "keeps each session's negotiation transcript"
                        : "hands sessions over without their transcripts (`keepTranscript(false)`)");
    }

    private static String engineName(String engine) {
        return engine.equals("boringssl") ? "BoringSSL" : "JDK";
    }

    private static String serverName(String server) {
        switch (server) {
            case "sslhandler":
                return "Netty `SslHandler` (baseline)";
            case "nio":
                return "starttls4j `NioServer`";
            default:
                return "starttls4j `StartTlsServerHandler`";
        }
    }

    private static String kb(double bytes) {
        return String.format(Locale.ROOT, "%.1f KB", bytes / 1024);
    }

    private static String mb(double bytes) {
        return String.format(Locale.ROOT, "%,.0f MB", bytes / (1024 * 1024));
    }

    private static String millis(long micros) {
        return micros < 0 ? "–" : String.format(Locale.ROOT, "%,.0f ms", micros / 1000.0);
    }

    private static String ratio(long a, long b) {
        return a <= 0 || b <= 0 ? "–" : String.format(Locale.ROOT, "%.2f", (double) a / b);
    }

    static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The soft limit of open files, from {@code /proc/self/limits}. */
    static String openFileLimit() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] w = line.substring("Max open files".length()).trim().split("\\s+");
                    return String.format(Locale.ROOT, "%,d", Long.parseLong(w[0]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return "unknown";
    }
}
