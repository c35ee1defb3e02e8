package org.starttls4j.resolvers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.starttls4j.testing.interop.ExternalTool;

/**
 * Unbound as a validating recursive resolver for programs that read {@code /etc/resolv.conf}
 * (posttls-finger): it listens on port 53 of an address of its own in 127.0.0.0/8, forwards the
 * test zones to NSD as stub zones and validates them against their DS records. Port 53 needs
 * root, as the interop tests run on CI.
 */
final class ValidatingUnbound implements AutoCloseable {

    private final Path dir;
    private final Process unbound;
    private final String address;

    ValidatingUnbound(Path dir, SignedZones zones, String... zoneNames) {
        this.dir = dir;
        SecureRandom random = new SecureRandom();
        this.address = "127.53." + (1 + random.nextInt(250)) + "." + (1 + random.nextInt(250));
        StringBuilder stubs = new StringBuilder();
        for (String zone : zoneNames) {
            stubs.append("  local-zone: \"").append(zone.substring(zone.lastIndexOf('.') + 1)).append(".\" nodefault\n");
        }
        StringBuilder stubZones = new StringBuilder();
        for (String zone : zoneNames) {
            stubZones.append("stub-zone:\n  name: \"").append(zone).append("\"\n  stub-addr: 127.0.0.1@")
                    .append(zones.address().getPort()).append('\n');
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("anchors"), zones.trustAnchors());
            Files.writeString(dir.resolve("unbound.conf"), "server:\n  interface: " + address + "\n  port: 53\n"
                    + "  do-daemonize: no\n  chroot: \"\"\n  username: \"\"\n  directory: \"" + dir + "\"\n"
                    + "  pidfile: \"" + dir.resolve("unbound.pid") + "\"\n  use-syslog: no\n  logfile: \"" + dir.resolve("unbound.log") + "\"\n"
                    + "  verbosity: 1\n  val-log-level: 2\n  do-ip6: no\n  do-not-query-localhost: no\n"
                    + "  access-control: 127.0.0.0/8 allow\n  module-config: \"validator iterator\"\n"
                    + "  trust-anchor-file: \"" + dir.resolve("anchors") + "\"\n  qname-minimisation: no\n" + stubs
                    + "remote-control:\n  control-enable: no\n" + stubZones);
            Files.writeString(dir.resolve("resolv.conf"), "nameserver " + address + "\noptions trust-ad\n");
            unbound = new ProcessBuilder(ExternalTool.UNBOUND.path().toString(), "-d", "-c", dir.resolve("unbound.conf").toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("unbound.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitAnswering(zones);
    }

    /** Where it listens (port 53). */
    java.net.InetSocketAddress address() {
        try {
            return new java.net.InetSocketAddress(InetAddress.getByName(address), 53);
        } catch (java.net.UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resolv.conf naming this resolver, with {@code trust-ad} so the C library passes on its AD bit. */
    Path resolvConf() {
        return dir.resolve("resolv.conf");
    }

    /**
     * Waits (bounded) until the resolver accepts TCP connections on its port 53, pacing the
     * attempts on the process's exit (as {@code FreePort.awaitListening} does), then checks that it
     * answers a validated query for the first zone.
     */
    private void awaitAnswering(SignedZones zones) {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
        java.util.concurrent.CompletableFuture<ProcessHandle> exit = unbound.toHandle().onExit();
        while (true) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(InetAddress.getByName(address), 53), 1000);
                break;
            } catch (IOException notYet) {
                if (java.time.Instant.now().isAfter(deadline)) {
                    throw new AssertionError("unbound did not listen on " + address + ":53\n" + log());
                }
            }
            try {
                exit.get(20, java.util.concurrent.TimeUnit.MILLISECONDS);
                throw new AssertionError("unbound exited:\n" + log());
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                // not listening yet: try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError(e);
            }
        }
        try {
            DnssecResolver through = DnssecResolver.create(new java.net.InetSocketAddress(InetAddress.getByName(address), 53),
                    zones.trustAnchors(), java.time.Clock.systemUTC(), Duration.ofSeconds(5));
            if (!(through.mx("example.test") instanceof DnsAnswer.Found)) {
                throw new AssertionError("unbound does not answer for example.test\n" + log());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String log() {
        try {
            Path out = dir.resolve("unbound.out");
            Path log = dir.resolve("unbound.log");
            return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        unbound.destroy();
        try {
            if (!unbound.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                unbound.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unbound.destroyForcibly();
        }
    }
}
