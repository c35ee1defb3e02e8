package org.starttls4j.testkit.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;

/**
 * What a client did against a {@link HostileServer}: the verdict ({@link #isSafe()}), each
 * {@link Finding} with its evidence, and the whole recording. Its {@link #toString()} is the
 * report a failing assertion prints.
 */
public final class HostileRun {

    private final MailProtocol protocol;
    private final HostileScenario scenario;
    private final List<Finding> findings;
    private final Recording recording;

    /**
     * A run.
     *
     * @param protocol  the protocol
     * @param scenario  what the server did
     * @param findings  what the client did wrong, in the order seen
     * @param recording everything the server received
     */
    public HostileRun(MailProtocol protocol, HostileScenario scenario, List<Finding> findings, Recording recording) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        this.findings = List.copyOf(findings);
        this.recording = Objects.requireNonNull(recording, "recording");
    }

    /**
     * The protocol.
     *
     * @return SMTP, IMAP or POP3
     */
    public MailProtocol protocol() {
        return protocol;
    }

    /**
     * The scenario played.
     *
     * @return the scenario
     */
    public HostileScenario scenario() {
        return scenario;
    }

    /**
     * What the client did wrong.
     *
     * @return the findings; empty when it stayed safe
     */
    public List<Finding> findings() {
        return findings;
    }

    /**
     * The kinds of the findings, without repeats, in order.
     *
     * @return the kinds
     */
    public List<ClientFinding> findingKinds() {
        List<ClientFinding> kinds = new ArrayList<>();
        findings.forEach(f -> {
            if (!kinds.contains(f.kind())) {
                kinds.add(f.kind());
            }
        });
        return kinds;
    }

    /**
     * The verdict.
     *
     * @return true when there is no finding
     */
    public boolean isSafe() {
        return findings.isEmpty();
    }

    /**
     * Whether the client connected at all.
     *
     * @return true when the server accepted at least one connection
     */
    public boolean clientConnected() {
        return recording.connections() > 0;
    }

    /**
     * Whether the client sent anything inside TLS (it accepted the TLS session the server offered).
     *
     * @return true when a command arrived inside TLS
     */
    public boolean clientWentOnInsideTls() {
        return !recording.commands(Layer.TLS).isEmpty();
    }

    /**
     * Everything the server received and noted.
     *
     * @return the recording
     */
    public Recording recording() {
        return recording;
    }

    /**
     * The verdict in one line: {@code "safe"} or the finding kinds.
     *
     * @return the summary
     */
    public String verdict() {
        return isSafe() ? "safe" : "UNSAFE " + findingKinds();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(protocol + " client against " + scenario + " (" + scenario.description() + "): "
                + verdict() + "\n");
        findings.forEach(f -> s.append("  finding ").append(f).append('\n'));
        for (ReceivedCommand c : recording.commands()) {
            s.append("  ").append(c).append('\n');
        }
        recording.notes().forEach(n -> s.append("  note ").append(n).append('\n'));
        return s.toString();
    }
}
