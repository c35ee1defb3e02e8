package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * The state diagrams of {@code probe/DIAGRAMS.md} (linked from the README) cannot drift from the
 * code: the file must be exactly what the generator makes from the dialogs, and every transition
 * the generator found in plaintext must be what a real {@link Negotiation} does with the same
 * bytes, under both policies that negotiate.
 */
class DiagramsTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void diagramsFileIsWhatTheCodeGenerates() throws IOException {
        String generated = Diagrams.markdown();
        String file = Files.readString(Path.of("DIAGRAMS.md"), StandardCharsets.UTF_8);

        assertThat(file).as("probe/DIAGRAMS.md is stale: regenerate it with "
                + "`java -jar probe/target/starttls4j.jar diagrams > probe/DIAGRAMS.md`")
                .isEqualTo(generated);
    }

    @Test
    void theReadmeLinksTheGeneratedDiagramsAndKeepsNoCopy() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);

        assertThat(readme).as("the README links the generated diagrams").contains("(probe/DIAGRAMS.md)");
        assertThat(mermaidBlocks(readme)).as("a copy of the diagrams in the README would drift: link probe/DIAGRAMS.md")
                .isEmpty();
        assertThat(mermaidBlocks(Diagrams.markdown())).hasSize(Protocol.values().length);
    }

    private static List<String> mermaidBlocks(String markdown) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("```mermaid\n.*?```", java.util.regex.Pattern.DOTALL)
                .matcher(markdown);
        List<String> blocks = new java.util.ArrayList<>();
        while (m.find()) {
            blocks.add(m.group());
        }
        return blocks;
    }

    @Test
    void theHiddenCommandPrintsTheSameText() {
        Cli.Result r = Cli.run("diagrams");

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo(Diagrams.markdown());
    }

    @Test
    void everyStateOfEveryDialogIsReachedAndEveryStateHasAWayOut() {
        for (Protocol p : Protocol.values()) {
            List<Diagrams.Edge> edges = Diagrams.explore(p);
            assertThat(edges).as(p.name()).anyMatch(e -> e.to().name().equals(Diagrams.SECURED));
            assertThat(edges).as(p.name()).anyMatch(e -> e.to().name().equals(Diagrams.HANDSHAKING));
            assertThat(edges).as(p.name()).anyMatch(e -> e.to().name().equals(Diagrams.NO_TLS));
            for (Diagrams.Edge e : edges) {
                if (!e.to().name().equals(Diagrams.SECURED) && !e.to().name().equals(Diagrams.FAILED)
                        && !e.to().name().equals(Diagrams.NO_TLS)) {
                    assertThat(edges).as(p + ": a way out of " + e.to()).anyMatch(out -> out.from().equals(e.to())
                            && !out.to().equals(e.to()));
                }
            }
        }
    }

    @Test
    void everyPlaintextTransitionIsWhatANegotiationDoes() {
        int replayed = 0;
        for (Protocol p : Protocol.values()) {
            for (Diagrams.Edge edge : Diagrams.explore(p)) {
                if (edge.path().isEmpty() || edge.from().encrypted()) {
                    continue; // driver events, and states inside TLS (which need a TLS peer)
                }
                for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC)) {
                    replay(p, policy, edge);
                    replayed++;
                }
            }
        }
        assertThat(replayed).isGreaterThan(60);
    }

    private static void replay(Protocol protocol, TlsPolicy policy, Diagrams.Edge edge) {
        String what = protocol + " " + policy + " " + edge;
        Transition t = protocol.client(ClientConfig.builder(Servers.NAME).policy(policy).build()).begin(NOW);
        List<String> path = edge.path();
        for (int i = 0; i < path.size() - 1; i++) {
            t = t.next().onReceived(bytes(path.get(i)), NOW);
        }
        assertThat(t.next().state()).as(what).isEqualTo(edge.from().name());
        t = t.next().onReceived(bytes(path.get(path.size() - 1)), NOW);
        String sent = new String(t.outboundBytes(), StandardCharsets.ISO_8859_1).replace("\r\n", " ").trim()
                .replaceAll("^A\\d+ ", "An ");
        String to = edge.to().name();
        switch (to) {
            case Diagrams.FAILED -> {
                assertThat(t.outcome()).as(what).containsInstanceOf(Outcome.Failed.class);
                assertThat(((Outcome.Failed) t.outcome().orElseThrow()).failure().reason().name()).as(what).isEqualTo(edge.reason());
                assertThat(sent).as(what).isEqualTo(edge.sends());
            }
            case Diagrams.NO_TLS -> {
                if (policy == TlsPolicy.REQUIRED) {
                    assertThat(t.outcome()).as(what).containsInstanceOf(Outcome.Failed.class);
                    assertThat(((Outcome.Failed) t.outcome().orElseThrow()).failure().reason().name()).as(what)
                            .isEqualTo(edge.reason());
                } else {
                    assertThat(t.outcome()).as(what).containsInstanceOf(Outcome.Plaintext.class);
                    assertThat(((Outcome.Plaintext) t.outcome().orElseThrow()).session().fallbackCause().orElseThrow().reason()
                            .name()).as(what).isEqualTo(edge.reason());
                    assertThat(sent).as(what + ": nothing more in plaintext").isEmpty();
                }
            }
            case Diagrams.HANDSHAKING -> {
                assertThat(t.next().state()).as(what).isEqualTo("Handshaking");
                assertThat(t.outboundBytes()[0]).as(what + ": a TLS handshake record").isEqualTo((byte) 22);
            }
            default -> {
                assertThat(t.isFinished()).as(what).isFalse();
                assertThat(t.next().state()).as(what).isEqualTo(to);
                assertThat(sent).as(what).isEqualTo(edge.sends());
            }
        }
    }

    private static ByteBuffer bytes(String response) {
        return ByteBuffer.wrap((response + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
}
