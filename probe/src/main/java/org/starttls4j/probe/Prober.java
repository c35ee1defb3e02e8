package org.starttls4j.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.starttls4j.Event;
import org.starttls4j.Failure;

/** Runs one probe: resolve, connect, negotiate through the chosen adapter, and collect the result. */
public final class Prober {

    private Prober() {
    }

    /**
     * Probes {@code target}.
     *
     * @param target   what to connect to
     * @param settings the client options
     * @return what happened
     * @throws UnreachableException when the name does not resolve or the TCP connect fails
     */
    public static ProbeResult probe(Target target, ClientSettings settings) throws UnreachableException {
        InetSocketAddress address = resolve(target);
        Instant started = Instant.now();
        Adapter.Run run = settings.adapter().connect(address, settings.config(target), target.protocol(), settings.timeout());
        List<X509Certificate> rejected = List.of();
        boolean certificateRejected = run.events().stream().anyMatch(e -> e instanceof Event.Failed f
                && f.failure().reason() == Failure.Reason.CERTIFICATE_REJECTED);
        if (certificateRejected && !settings.insecure()) {
            rejected = secondLook(address, target, settings);
        }
        return new ProbeResult(target, policyName(settings, target), settings.adapter().lowerName(), address,
                settings.verificationWords(target), run.events(), started, run.connected(), run.finished(), rejected);
    }

    /** The certificate chain the server presents, seen without verifying it; empty if that fails too. */
    static List<X509Certificate> secondLook(InetSocketAddress address, Target target, ClientSettings settings) {
        try {
            Adapter.Run again = Adapter.NIO.connect(address, settings.insecureCopy().config(target), target.protocol(),
                    settings.timeout());
            for (Event e : again.events()) {
                if (e instanceof Event.TlsEstablished t) {
                    return t.facts().peerCertificates();
                }
            }
        } catch (UnreachableException e) {
            // it was reachable a moment ago; the report simply shows no certificate
        }
        return List.of();
    }

    /**
     * The socket address of {@code target}.
     *
     * @param target what to connect to
     * @return the resolved address
     * @throws UnreachableException when the name does not resolve
     */
    public static InetSocketAddress resolve(Target target) throws UnreachableException {
        try {
            return new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
        } catch (UnknownHostException e) {
            throw new UnreachableException(target.url(), e);
        }
    }

    static String policyName(ClientSettings settings, Target target) {
        return settings.policyFor(target).name().toLowerCase(java.util.Locale.ROOT);
    }
}
