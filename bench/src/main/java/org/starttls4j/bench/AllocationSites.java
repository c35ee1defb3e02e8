package org.starttls4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a negotiation's bytes are allocated, exactly: what JMH's gc profiler cannot say. Runs one
 * pair of benchmark 1 (bare, or the core with one protocol, with or without a transcript) in a loop under JFR and charges every
 * allocation to the first frame of its stack in the core ({@code org.starttls4j}), or to the engine's
 * TLS code (the JDK's, or Netty's for BoringSSL engines) when that comes first. Run it with {@code -XX:-UseTLAB} (as {@code bench/run --sites}
 * does): then every allocation is a {@code jdk.ObjectAllocationOutsideTLAB} event with its exact
 * size, not a sample, so the table adds up to the bytes allocated. Slow (a few hundred
 * negotiations a minute), and only the benchmark thread is counted.
 *
 * <p>Usage: {@code AllocationSites <bare|SMTP|IMAP|POP3> [negotiations] [EC_P256|RSA_2048] [TLSv1.3|TLSv1.2] [jdk|boringssl] [transcript|lean]}
 * ({@code lean}: both ends built with {@code recordTranscript(false)})
 */
public final class AllocationSites {

    private static final String EVENT = "jdk.ObjectAllocationOutsideTLAB";

    private AllocationSites() {
    }

    /**
     * Runs the loop and prints the table.
     *
     * @param args the pair, the number of negotiations, the key type, the TLS version and the engine
     * @throws Exception if the pair or the recording fails
     */
    public static void main(String[] args) throws Exception {
        com.sun.management.HotSpotDiagnosticMXBean vm =
                java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        if (Boolean.parseBoolean(vm.getVMOption("UseTLAB").getValue())) {
            // With TLABs only the few allocations outside them are events: the table would be nonsense.
            throw new IllegalStateException("run with -XX:-UseTLAB (bench/run --sites does)");
        }
        String via = args.length > 0 ? args[0] : "SMTP";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        Fixture fixture = new Fixture(Pki.KeyType.valueOf(args.length > 2 ? args[2] : "EC_P256"), args.length > 3 ? args[3] : "TLSv1.3",
                Fixture.Engine.of(args.length > 4 ? args[4] : "jdk"));
        boolean lean = args.length > 5 && args[5].equals("lean");
        CorePair core = new CorePair(fixture, via.equals("bare") ? MailProtocol.SMTP : MailProtocol.valueOf(via), lean);
        core.negotiate();
        BarePair bare = via.equals("bare") ? new BarePair(fixture, core.lineAfterTls(), core.replyAfterTls()) : null;
        Runnable once = () -> {
            try {
                if (bare != null) {
                    bare.handshake();
                } else {
                    core.negotiate();
                }
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
        };
        for (int i = 0; i < count; i++) {
            once.run(); // warm-up: the JIT's escape analysis changes what is allocated at all
        }
        Path file = Files.createTempFile("allocation-sites", ".jfr");
        try (Recording recording = new Recording(Configuration.getConfiguration("default"))) {
            recording.disable("jdk.*");
            recording.enable(EVENT).withStackTrace();
            recording.start();
            for (int i = 0; i < count; i++) {
                once.run();
            }
            recording.stop();
            recording.dump(file);
        }
        System.out.printf(Locale.ROOT, "%s, %s, %s, %s engines%s%n", via, fixture.keyType(), fixture.protocol(), fixture.engine(),
                lean && !via.equals("bare") ? ", no transcript (lean)" : "");
        print(file, count, Thread.currentThread().getName());
        Files.delete(file);
    }

    private static void print(Path file, int count, String thread) throws java.io.IOException {
        Map<String, Long> bySite = new HashMap<>();
        Map<String, Long> byOwner = new TreeMap<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (!e.getEventType().getName().equals(EVENT) || !thread.equals(e.getThread("eventThread").getJavaName())) {
                    continue;
                }
                long size = e.getLong("allocationSize");
                String site = site(e);
                bySite.merge(site, size, Long::sum);
                byOwner.merge(site.startsWith("JDK") ? "the engine's and the JDK's TLS code" : site.startsWith("bench") ? "the harness" : "the core", size, Long::sum);
            }
        }
        System.out.printf(Locale.ROOT, "Bytes allocated per negotiation on the benchmark thread, %d negotiations%n", count);
        byOwner.forEach((owner, bytes) -> System.out.printf(Locale.ROOT, "%10.1f KB  %s%n", bytes / 1024.0 / count, owner));
        System.out.println();
        bySite.entrySet().stream()
                .filter(site -> !site.getKey().startsWith("JDK") && !site.getKey().startsWith("bench"))
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(70)
                .forEach(site -> System.out.printf(Locale.ROOT, "%10.2f KB  %s%n", site.getValue() / 1024.0 / count, site.getKey()));
        // The engine's own allocations, by the core frame that called it: what the core's way of
        // driving the engine costs beside a bare loop's (its share of the engine's line above).
        System.out.println();
        bySite.entrySet().stream()
                .filter(site -> site.getKey().startsWith("JDK via "))
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(15)
                .forEach(site -> System.out.printf(Locale.ROOT, "%10.2f KB  %s%n", site.getValue() / 1024.0 / count, site.getKey()));
    }

    /** The first core or harness frame, and whether JDK TLS code allocated on its behalf. */
    private static String site(RecordedEvent e) {
        RecordedStackTrace stack = e.getStackTrace();
        boolean inJdkTls = false;
        if (stack != null) {
            for (RecordedFrame frame : stack.getFrames()) {
                String type = frame.getMethod().getType().getName();
                if (type.startsWith("sun.security.") || type.startsWith("com.sun.crypto.") || type.startsWith("javax.net.ssl.")
                        || type.startsWith("java.security.") || type.startsWith("javax.crypto.") || type.startsWith("java.math.")
                        || type.startsWith("io.netty.")) { // Netty's BoringSSL engine and its buffers
                    inJdkTls = true;
                } else if (type.startsWith("org.starttls4j.bench.")) {
                    return inJdkTls ? "JDK" : "bench";
                } else if (type.startsWith("org.starttls4j.")) {
                    String where = type.substring("org.starttls4j.".length()) + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
                    return inJdkTls ? "JDK via " + where : where + " " + e.getClass("objectClass").getName();
                }
            }
        }
        return "JDK";
    }
}
