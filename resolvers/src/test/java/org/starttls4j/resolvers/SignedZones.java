package org.starttls4j.resolvers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.FreePort;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * An authoritative DNS server (NSD) on 127.0.0.1 serving test zones, each signed at test time with
 * a fresh key by LDNS ({@code ldns-keygen}, {@code ldns-signzone}), and the trust anchors (the
 * zones' DS records) a validating resolver needs. A zone may be {@linkplain Zone#tampered
 * tampered} after signing, so that its answers are bogus, or left unsigned.
 */
public final class SignedZones implements AutoCloseable {

    /**
     * A zone to serve.
     *
     * @param name     the zone's name, without the trailing dot
     * @param records  its records in zone file syntax, relative to the origin
     * @param signed   whether to sign it
     * @param tampered text to replace (first occurrence) in the signed zone file, after signing; null for none
     * @param with     the replacement
     */
    public record Zone(String name, String records, boolean signed, String tampered, String with) {
        public static Zone signed(String name, String records) {
            return new Zone(name, records, true, null, null);
        }

        public static Zone unsigned(String name, String records) {
            return new Zone(name, records, false, null, null);
        }

        public Zone tamperedAfterSigning(String text, String replacement) {
            return new Zone(name, records, signed, text, replacement);
        }
    }

    private final Path dir;
    private final Process nsd;
    private final int port;
    private final String trustAnchors;

    /**
     * Signs the zones and starts NSD serving them.
     *
     * @param dir   a fresh directory for keys, zone files and NSD's state
     * @param zones the zones
     */
    public SignedZones(Path dir, List<Zone> zones) {
        this.dir = dir;
        StringBuilder anchors = new StringBuilder();
        StringBuilder zoneConfig = new StringBuilder();
        try {
            Files.createDirectories(dir);
            for (Zone zone : zones) {
                String file = zone.name() + ".zone";
                Files.writeString(dir.resolve(file), "$ORIGIN " + zone.name() + ".\n$TTL 300\n"
                        + "@ IN SOA ns." + zone.name() + ". hostmaster." + zone.name() + ". 1 3600 600 86400 300\n"
                        + "@ IN NS ns." + zone.name() + ".\nns IN A 127.0.0.1\n" + zone.records());
                if (zone.signed()) {
                    ProcessRun.Result key = run(List.of(ExternalTool.LDNS_KEYGEN.path().toString(), "-a", "ECDSAP256SHA256", "-k", zone.name()));
                    String base = key.stdout().strip();
                    anchors.append(Files.readString(dir.resolve(base + ".ds"))).append('\n');
                    run(List.of(ExternalTool.LDNS_SIGNZONE.path().toString(), file, base));
                    file = file + ".signed";
                    if (zone.tampered() != null) {
                        String text = Files.readString(dir.resolve(file));
                        if (!text.contains(zone.tampered())) {
                            throw new AssertionError("nothing to tamper with in " + file + ": " + zone.tampered());
                        }
                        Files.writeString(dir.resolve(file), text.replaceFirst(java.util.regex.Pattern.quote(zone.tampered()),
                                java.util.regex.Matcher.quoteReplacement(zone.with())));
                    }
                }
                zoneConfig.append("zone:\n  name: \"").append(zone.name()).append("\"\n  zonefile: \"").append(dir.resolve(file)).append("\"\n");
            }
            port = FreePort.pick();
            Files.writeString(dir.resolve("nsd.conf"), "server:\n  ip-address: 127.0.0.1@" + port + "\n  port: " + port
                    + "\n  username: \"\"\n  chroot: \"\"\n  zonesdir: \"" + dir + "\"\n  database: \"\"\n"
                    + "  zonelistfile: \"" + dir.resolve("zone.list") + "\"\n  xfrdfile: \"" + dir.resolve("xfrd.state") + "\"\n"
                    + "  xfrdir: \"" + dir + "\"\n  pidfile: \"" + dir.resolve("nsd.pid") + "\"\n  logfile: \"" + dir.resolve("nsd.log")
                    + "\"\n  server-count: 1\n  do-ip6: no\n  verbosity: 1\nremote-control:\n  control-enable: no\n" + zoneConfig,
                    StandardCharsets.US_ASCII);
            nsd = new ProcessBuilder(ExternalTool.NSD.path().toString(), "-d", "-c", dir.resolve("nsd.conf").toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("nsd.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FreePort.awaitListening(port, Duration.ofSeconds(20), nsd.toHandle(), this::log);
        trustAnchors = anchors.toString();
    }

    /** The server's address. */
    public InetSocketAddress address() {
        return new InetSocketAddress(FreePort.LOOPBACK, port);
    }

    /** The signed zones' DS records, in zone file syntax. */
    public String trustAnchors() {
        return trustAnchors;
    }

    /** A validating resolver asking this server, trusting the signed zones' keys. */
    public DnssecResolver resolver() {
        return DnssecResolver.create(address(), trustAnchors, Clock.systemUTC(), Duration.ofSeconds(5));
    }

    /** NSD's output and log, for failure messages. */
    public String log() {
        try {
            Path out = dir.resolve("nsd.out");
            Path log = dir.resolve("nsd.log");
            return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private ProcessRun.Result run(List<String> command) {
        ProcessRun.Result r = ProcessRun.run(command, dir, new byte[0], Duration.ofSeconds(30), Map.of());
        if (r.exitCode() != 0) {
            throw new AssertionError("failed: " + r.describe());
        }
        return r;
    }

    @Override
    public void close() {
        nsd.destroy();
        try {
            if (!nsd.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                nsd.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            nsd.destroyForcibly();
        }
    }
}
