package org.starttls4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 16, item 4, outside JMH: many established, idle, secured SMTP sessions in one server
 * process, and many clients negotiating at once, for each server ({@code sslhandler}, the
 * baseline; {@code nio}; {@code netty}) and each engine ({@code boringssl}, {@code jdk}). Started
 * by {@code bench/run --scale}.
 *
 * <p>Per server and engine: a {@link ScaleServer} JVM (serial collector, fixed pre-touched heap,
 * Native Memory Tracking) listening on 127.0.0.1 and 127.0.0.2, and {@code --clients}
 * {@link ScaleClient} JVMs, each binding its own four 127.0.x.y source addresses (one process
 * may hold fewer than 20,000 sockets here). Then, in order:
 * <ol>
 * <li>warm-up: {@code --warmup} connections negotiated and closed; the server's first reading;</li>
 * <li>burst: {@code --burst} connections started at once, spread over the clients; every one must
 *     be secured; the time from {@code connect} to the EHLO reply inside TLS of each; the server's
 *     second reading with all of them held;</li>
 * <li>fill: up to {@code --sessions} held, 256 negotiating at a time per client, in {@code --steps}
 *     equal steps with a reading after each; the last is the reading with every session held.</li>
 * </ol>
 * The readings from the burst on show whether memory grows in a straight line with the sessions
 * held: what an extrapolation beyond the process's open-file limit rests on.
 * {@link ScaleReport} turns the readings into per-session figures and writes the "Scale" section.
 *
 * <p>Arguments (all optional): {@code --sessions N} (19000), {@code --burst N} (10000),
 * {@code --clients N} (2), {@code --warmup N} (300), {@code --steps N} (4), {@code --servers a,b} (sslhandler,nio,netty),
 * {@code --engines a,b} (boringssl,jdk), {@code --server-heap SIZE} (2g), {@code --client-heap SIZE}
 * (2g), {@code --malloc-arenas N|default} (2: {@code MALLOC_ARENA_MAX=2} in the server's environment, the
 * setting docs/ENGINES.md recommends; {@code default}: glibc's own, up to 8 arenas per core), {@code --trim yes|no} (no; yes: the server returns the C heap's free pages to the system,
 * {@code jcmd System.trim_native_heap}, before each reading, as {@code -XX:TrimNativeHeapInterval}
 * does in a deployment), {@code --transcript drop|keep} (drop: {@code NioServer} hands sessions over
 * without the negotiation's transcript, {@code NioServer.Builder.keepTranscript(false)}),
 * {@code --out FILE} (bench/RESULTS.md; the section between its scale markers is replaced),
 * {@code --section NAME} and {@code --title TEXT} (the section's marker name and heading, for a run
 * kept beside the default one), {@code --from-raw} (no process started: the report made again from
 * the lines an earlier run left in {@code --raw}, with the same other arguments, and that run's
 * {@code --date} and {@code --commit}),
 * {@code --raw DIR} (the processes' lines and logs), {@code --command TEXT} (how it was started, for
 * the report).
 */
public final class ScaleRun {

    /** The server and client address plan: loopback only. */
    static final List<String> SERVER_ADDRESSES = List.of("127.0.0.1", "127.0.0.2");

    private final Map<String, String> options = new LinkedHashMap<>();
    private final Path raw;
    private boolean fromRaw;

    private ScaleRun(String[] args) {
        options.put("sessions", "19000");
        options.put("burst", "10000");
        options.put("clients", "2");
        options.put("warmup", "300");
        options.put("steps", "4");
        options.put("servers", "sslhandler,nio,netty");
        options.put("engines", "boringssl,jdk");
        options.put("server-heap", "2g");
        options.put("client-heap", "2g");
        options.put("malloc-arenas", "2");
        options.put("trim", "no");
        options.put("transcript", "drop");
        options.put("out", "bench/RESULTS.md");
        options.put("raw", "bench/target-bench/raw");
        options.put("command", "bench/run --scale");
        options.put("section", ScaleReport.DEFAULT_SECTION);
        options.put("title", ScaleReport.DEFAULT_TITLE);
        options.put("date", java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        options.put("commit", ScaleReport.commit());
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--from-raw")) {
                fromRaw = true;
                options.put("from-raw", "yes");
                i--;
                continue;
            }
            String key = args[i].replaceFirst("^--", "");
            if (!options.containsKey(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete argument " + args[i]);
            }
            options.put(key, args[i + 1]);
        }
        raw = Paths.get(options.get("raw"));
    }

    /**
     * Runs every server with every engine and writes the report.
     *
     * @param args see the class comment
     * @throws Exception if a process fails
     */
    public static void main(String[] args) throws Exception {
        run(args);
    }

    /**
     * Runs every server with every engine and writes the section into {@code --out}.
     *
     * @param args see the class comment
     * @return the figures
     * @throws Exception if a process fails
     */
    static ScaleReport run(String[] args) throws Exception {
        ScaleRun run = new ScaleRun(args);
        ScaleReport report = run.runAll();
        String section = report.markdown();
        System.out.println(section);
        Path out = Paths.get(run.options.get("out"));
        ScaleReport.writeSection(out, run.options.get("section"), section);
        System.out.println("Written to " + out.toAbsolutePath());
        return report;
    }

    /**
     * Runs every server with every engine.
     *
     * @return the readings, with the run's settings
     * @throws Exception if a process fails
     */
    ScaleReport runAll() throws Exception {
        Files.createDirectories(raw);
        List<ScaleReport.Variant> variants = new ArrayList<>();
        for (String engine : options.get("engines").split(",")) {
            for (String server : options.get("servers").split(",")) {
                variants.add(fromRaw ? readOne(server, engine) : runOne(server, engine));
            }
        }
        return new ScaleReport(options, variants);
    }

    /** A variant from the lines its processes wrote into the raw directory in an earlier run. */
    private ScaleReport.Variant readOne(String server, String engine) throws IOException {
        String name = server + "-" + engine;
        Map<String, Map<String, String>> measured = new LinkedHashMap<>();
        for (String line : Files.readAllLines(raw.resolve("scale-server-" + name + ".out"))) {
            if (line.startsWith("measured ")) {
                Map<String, String> f = fields(line.substring("measured ".length()));
                measured.put(f.get("label"), f);
            }
        }
        Map<String, List<Map<String, String>>> opened = new LinkedHashMap<>();
        for (int c = 0; Files.exists(raw.resolve("scale-client-" + name + "-" + c + ".out")); c++) {
            for (String line : Files.readAllLines(raw.resolve("scale-client-" + name + "-" + c + ".out"))) {
                if (line.startsWith("opened ")) {
                    Map<String, String> f = fields(line.substring("opened ".length()));
                    opened.computeIfAbsent(f.get("label"), k -> new ArrayList<>()).add(f);
                }
            }
        }
        Path load = raw.resolve("scale-load-" + name + ".txt");
        Path listen = raw.resolve("scale-listen-" + name + ".txt");
        List<Map<String, String>> steps = new ArrayList<>();
        measured.forEach((label, reading) -> {
            if (label.startsWith("step")) {
                steps.add(reading);
            }
        });
        return new ScaleReport.Variant(server, engine, merge(opened.get("warmup")), merge(opened.get("burst")),
                merge(opened.get("fill")), measured.get("idle"), measured.get("burst"), steps, measured.get("full"),
                Files.exists(load) ? Files.readString(load).trim() : "not recorded",
                Files.exists(listen) ? fields(Files.readString(listen).trim()) : Map.of());
    }

    private ScaleReport.Variant runOne(String server, String engine) throws Exception {
        int sessions = Integer.parseInt(options.get("sessions"));
        int burst = Integer.parseInt(options.get("burst"));
        int clients = Integer.parseInt(options.get("clients"));
        int warmup = Integer.parseInt(options.get("warmup"));
        String name = server + "-" + engine;
        System.out.println("# scale: " + name + ", " + sessions + " sessions, burst " + burst + ", " + clients + " client processes");
        Path ca = raw.resolve("scale-ca-" + name + ".der");
        Map<String, String> serverEnvironment = options.get("malloc-arenas").equals("default") ? Map.of()
                : Map.of("MALLOC_ARENA_MAX", String.valueOf(Integer.parseInt(options.get("malloc-arenas"))));
        try (Peer serverProcess = new Peer(raw, "scale-server-" + name, List.of("-XX:+UseSerialGC",
                "-Xms" + options.get("server-heap"), "-Xmx" + options.get("server-heap"), "-XX:+AlwaysPreTouch",
                "-XX:NativeMemoryTracking=summary", "-D" + ScaleServer.TRIM + "=" + options.get("trim").equals("yes"),
                "-D" + ScaleServer.TRANSCRIPT + "=" + options.get("transcript").equals("keep")), serverEnvironment,
                ScaleServer.class, server, engine, ca.toString(), String.join(",", SERVER_ADDRESSES))) {
            String addresses = serverProcess.await("ready").get("addresses");
            List<Peer> clientProcesses = new ArrayList<>();
            try {
                for (int c = 0; c < clients; c++) {
                    List<String> sources = new ArrayList<>();
                    for (int a = 1; a <= 4; a++) {
                        sources.add("127.0." + (10 + c) + "." + a);
                    }
                    clientProcesses.add(new Peer(raw, "scale-client-" + name + "-" + c, List.of(
                            "-Xms" + options.get("client-heap"), "-Xmx" + options.get("client-heap")), Map.of(), ScaleClient.class,
                            engine, ca.toString(), addresses, String.join(",", sources)));
                }
                Map<String, String> warm = open(clientProcesses, "warmup", warmup, 32, "close");
                Map<String, String> idle = serverProcess.ask("measure idle 0 " + warmup, "measured");
                String loadBefore = loadAverage();
                Map<String, Long> queueBefore = ListenQueue.counters();
                Map<String, String> burstResult = open(clientProcesses, "burst", burst, burst, "keep");
                Map<String, Long> queueAfter = ListenQueue.counters();
                String loadAfter = loadAverage();
                Files.writeString(raw.resolve("scale-load-" + name + ".txt"), loadBefore + " → " + loadAfter + "\n");
                Map<String, String> listen = listen(addresses, queueBefore, queueAfter);
                Files.writeString(raw.resolve("scale-listen-" + name + ".txt"), line(listen) + "\n");
                Map<String, String> atBurst = serverProcess.ask("measure burst " + burst + " " + (warmup + burst), "measured");
                List<Map<String, String>> filled = new ArrayList<>();
                List<Map<String, String>> steps = new ArrayList<>();
                int stepCount = Integer.parseInt(options.get("steps"));
                int held = burst;
                for (int step = 1; step <= stepCount; step++) {
                    int target = burst + (int) ((long) (sessions - burst) * step / stepCount);
                    filled.add(open(clientProcesses, "fill", target - held, 256, "keep"));
                    held = target;
                    if (step < stepCount) {
                        steps.add(serverProcess.ask("measure step" + step + " " + held + " " + (warmup + held), "measured"));
                    }
                }
                Map<String, String> fill = merge(filled);
                Map<String, String> full = serverProcess.ask("measure full " + sessions + " " + (warmup + sessions), "measured");
                serverProcess.send("quit");
                return new ScaleReport.Variant(server, engine, warm, burstResult, fill, idle, atBurst, steps, full,
                        loadBefore + " → " + loadAfter, listen);
            } finally {
                for (Peer p : clientProcesses) {
                    p.close();
                }
            }
        }
    }

    /**
     * Has every client open its share of {@code count} connections at once and merges their answers:
     * counts added up, latencies joined.
     */
    private static Map<String, String> open(List<Peer> clients, String label, int count, int inFlight, String then)
            throws IOException {
        int each = count / clients.size();
        for (int c = 0; c < clients.size(); c++) {
            int share = c == clients.size() - 1 ? count - each * (clients.size() - 1) : each;
            clients.get(c).send("open " + label + " " + share + " " + Math.max(1, Math.min(inFlight, share)) + " " + then);
        }
        List<Map<String, String>> answers = new ArrayList<>();
        for (Peer p : clients) {
            answers.add(p.await("opened"));
        }
        return merge(answers);
    }

    /** The clients' answers to one {@code open} as one: counts added up, latencies joined. */
    private static Map<String, String> merge(List<Map<String, String>> answers) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (Map<String, String> answer : answers) {
            for (Map.Entry<String, String> e : answer.entrySet()) {
                merged.merge(e.getKey(), e.getValue(), (a, b) -> e.getKey().equals("micros") ? join(a, b)
                        : e.getKey().equals("label") ? a : String.valueOf(Long.parseLong(a) + Long.parseLong(b)));
            }
        }
        return merged;
    }

    /**
     * The backlogs of the server's listening sockets ({@code addresses}: {@code host:port,...}) and
     * how much each listen-queue counter grew between the two readings.
     */
    static Map<String, String> listen(String addresses, Map<String, Long> before, Map<String, Long> after) {
        List<Integer> ports = new ArrayList<>();
        for (String address : addresses.split(",")) {
            ports.add(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
        }
        Map<String, String> listen = new LinkedHashMap<>();
        List<Integer> backlogs = ListenQueue.backlogs(ports);
        listen.put("backlogs", backlogs.isEmpty() ? "unknown"
                : String.join("+", backlogs.stream().map(String::valueOf).toArray(String[]::new)));
        for (String counter : ListenQueue.COUNTERS) {
            if (before.containsKey(counter) && after.containsKey(counter)) {
                listen.put(counter, String.valueOf(after.get(counter) - before.get(counter)));
            }
        }
        return listen;
    }

    /** A map as {@code key=value key=value ...}, the form {@link #fields} reads. */
    static String line(Map<String, String> fields) {
        StringBuilder line = new StringBuilder();
        fields.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return line.toString();
    }

    /** {@code key=value key=value ...} as a map, in order. */
    static Map<String, String> fields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String f : text.split(" ")) {
            int eq = f.indexOf('=');
            fields.put(f.substring(0, eq), f.substring(eq + 1));
        }
        return fields;
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "," + b;
    }

    /** The 1-, 5- and 15-minute load averages. */
    static String loadAverage() {
        try {
            String[] w = Files.readString(Paths.get("/proc/loadavg")).split(" ");
            return w[0] + " " + w[1] + " " + w[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * One child JVM on this class path (with {@code environment} added to this one's), spoken to by lines: commands on its standard input, answers
     * ({@code word key=value ...}) on its standard output, which is also copied to {@code <name>.out}
     * (standard error goes to {@code <name>.err}).
     */
    private static final class Peer implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final PrintWriter in;
        private final PrintWriter log;

        Peer(Path raw, String name, List<String> jvm, Map<String, String> environment, Class<?> main, String... args)
                throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvm);
            command.add("-Djdk.tls.client.enableSessionTicketExtension=false");
            command.add("-Djdk.tls.server.enableSessionTicketExtension=false");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(main.getName());
            command.addAll(Arrays.asList(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(raw.resolve(name + ".err").toFile());
            builder.environment().putAll(environment);
            process = builder.start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
            log = new PrintWriter(Files.newBufferedWriter(raw.resolve(name + ".out")), true);
        }

        void send(String command) {
            in.println(command);
        }

        Map<String, String> ask(String command, String answer) throws IOException {
            send(command);
            return await(answer);
        }

        /** Reads lines until one starts with {@code word}; its {@code key=value} fields. */
        Map<String, String> await(String word) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                log.println(line);
                if (line.startsWith(word + " ")) {
                    return fields(line.substring(word.length() + 1));
                }
            }
            throw new IOException("the process ended (exit " + waitExit() + ") before answering " + word
                    + "; see its .err file in the raw directory");
        }

        private int waitExit() {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void close() {
            send("quit");
            in.close();
            try {
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            log.close();
        }
    }
}
