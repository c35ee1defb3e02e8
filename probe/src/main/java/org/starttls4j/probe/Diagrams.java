package org.starttls4j.probe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.starttls4j.Limits;
import org.starttls4j.imap.ImapClientDialog;
import org.starttls4j.lmtp.LmtpClientDialog;
import org.starttls4j.nntp.NntpClientDialog;
import org.starttls4j.pop3.Pop3ClientDialog;
import org.starttls4j.sieve.SieveClientDialog;
import org.starttls4j.smtp.SmtpClientDialog;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;

/**
 * Generates the client state diagrams (Mermaid) and transition tables of {@code probe/DIAGRAMS.md}
 * from the code itself, so they cannot drift: each protocol's client dialog, reached through its
 * public factory, is fed a set of representative server responses in every state it reaches,
 * and the driver's decisions ({@code ClientFlow}: STARTTLS when offered or unknown, hand-over
 * inside TLS, the policy at a refusal) are applied to what it answers. State names are the
 * dialogs' {@link ClientDialog#state()}, which is what {@link org.starttls4j.Negotiation#state()}
 * reports while lines are read; {@code Handshaking}, {@code Secured}, {@code Plaintext} and
 * {@code Failed} are the driver's.
 */
final class Diagrams {

    /** The driver's states and the pseudo-states of the diagram. */
    static final String HANDSHAKING = "Handshaking";
    static final String IMPLICIT_HANDSHAKE = "ImplicitHandshake";
    static final String NO_TLS = "NoTls";
    static final String SECURED = "Secured";
    static final String PLAINTEXT = "Plaintext";
    static final String FAILED = "Failed";

    /**
     * A representative server response.
     *
     * @param label what it is, in the diagram
     * @param lines its lines; {@code {tag}} stands for the outstanding IMAP tag
     */
    record Input(String label, List<String> lines) {
        List<String> concrete(String tag) {
            return lines.stream().map(l -> l.replace("{tag}", tag)).toList();
        }
    }

    /**
     * A state of the diagram: a dialog state in plaintext or inside TLS, or one of the driver's.
     *
     * @param name      the state's name
     * @param encrypted whether lines in it travel inside TLS
     */
    record Node(String name, boolean encrypted) {
        String id() {
            return encrypted && !name.equals(SECURED) && !name.equals(FAILED) ? "tls_" + name : name;
        }

        String shown() {
            return encrypted && !name.equals(SECURED) && !name.equals(FAILED) ? name + " (inside TLS)" : name;
        }
    }

    /**
     * One transition.
     *
     * @param from    where
     * @param input   the response that causes it, or a driver event such as "TLS up"
     * @param to      the next state
     * @param sends   what the client sends, CRLF removed, tags as {@code An}; empty for nothing
     * @param reason  for a failure or a refusal, the {@code Failure.Reason}; empty otherwise
     * @param path    the concrete responses (one string per response, CRLF-separated lines) that
     *                lead from the first state to {@code from}, then this one; empty for driver events
     */
    record Edge(Node from, String input, Node to, String sends, String reason, List<String> path) {
    }

    private Diagrams() {
    }

    /** The representative responses of a protocol. */
    static List<Input> inputs(Protocol protocol) {
        return switch (protocol) {
            case SMTP -> List.of(
                    new Input("220", List.of("220 mail.example.test ESMTP")),
                    new Input("250 with STARTTLS", List.of("250-mail.example.test", "250 STARTTLS")),
                    new Input("250 without STARTTLS", List.of("250-mail.example.test", "250 8BITMIME")),
                    new Input("250", List.of("250 mail.example.test")),
                    new Input("421", List.of("421 4.3.2 closing")),
                    new Input("454", List.of("454 4.7.0 TLS not available")),
                    new Input("502", List.of("502 5.5.1 unrecognized")),
                    new Input("554", List.of("554 5.7.1 no service")),
                    new Input("354", List.of("354 go on")),
                    new Input("not a reply", List.of("hello")));
            case IMAP -> List.of(
                    new Input("* OK", List.of("* OK ready")),
                    new Input("* OK [CAPABILITY with STARTTLS]", List.of("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")),
                    new Input("* OK [CAPABILITY without STARTTLS]", List.of("* OK [CAPABILITY IMAP4rev1] ready")),
                    new Input("* PREAUTH", List.of("* PREAUTH welcome")),
                    new Input("* BYE", List.of("* BYE go away")),
                    new Input("CAPABILITY with STARTTLS then tag OK", List.of("* CAPABILITY IMAP4rev1 STARTTLS", "{tag} OK done")),
                    new Input("CAPABILITY without STARTTLS then tag OK", List.of("* CAPABILITY IMAP4rev1", "{tag} OK done")),
                    new Input("tag OK", List.of("{tag} OK done")),
                    new Input("tag NO", List.of("{tag} NO no")),
                    new Input("tag BAD", List.of("{tag} BAD bad")),
                    new Input("* 3 EXISTS", List.of("* 3 EXISTS")),
                    new Input("another tag", List.of("X9 OK what")),
                    new Input("+ continuation", List.of("+ go on")),
                    new Input("not a response", List.of("hello")));
            case POP3 -> List.of(
                    new Input("+OK", List.of("+OK ready")),
                    new Input("+OK and a list with STLS", List.of("+OK", "STLS", ".")),
                    new Input("+OK and a list without STLS", List.of("+OK", "USER", ".")),
                    new Input("-ERR", List.of("-ERR no")),
                    new Input("not a response", List.of("hello")));
            case LMTP -> List.of(
                    new Input("220", List.of("220 mail.example.test LMTP")),
                    new Input("250 with STARTTLS", List.of("250-mail.example.test", "250 STARTTLS")),
                    new Input("250 without STARTTLS", List.of("250-mail.example.test", "250 8BITMIME")),
                    new Input("421", List.of("421 4.3.2 closing")),
                    new Input("454", List.of("454 4.7.0 TLS not available")),
                    new Input("500", List.of("500 5.5.1 unrecognized")),
                    new Input("354", List.of("354 go on")),
                    new Input("not a reply", List.of("hello")));
            case SIEVE -> List.of(
                    new Input("capabilities with STARTTLS, OK", List.of("\"IMPLEMENTATION\" \"x\"", "\"STARTTLS\"", "OK")),
                    new Input("capabilities without STARTTLS, OK", List.of("\"IMPLEMENTATION\" \"x\"", "\"SASL\" \"PLAIN\"", "OK")),
                    new Input("OK", List.of("OK \"ready\"")),
                    new Input("NO", List.of("NO \"no\"")),
                    new Input("BYE", List.of("BYE \"bye\"")),
                    new Input("not a response", List.of("hello")));
            case NNTP -> List.of(
                    new Input("200", List.of("200 news.example.test ready")),
                    new Input("101 with STARTTLS", List.of("101 Capability list:", "VERSION 2", "STARTTLS", ".")),
                    new Input("101 without STARTTLS", List.of("101 Capability list:", "VERSION 2", "READER", ".")),
                    new Input("382", List.of("382 Continue with TLS negotiation")),
                    new Input("400", List.of("400 closing")),
                    new Input("500", List.of("500 What?")),
                    new Input("580", List.of("580 Can not initiate TLS negotiation")),
                    new Input("not a response", List.of("hello")));
        };
    }

    /** A fresh client dialog of {@code protocol}, through its public factory. */
    static ClientDialog dialog(Protocol protocol) {
        return switch (protocol) {
            case SMTP -> SmtpClientDialog.create("localhost", Limits.DEFAULT);
            case IMAP -> ImapClientDialog.create(Limits.DEFAULT);
            case POP3 -> Pop3ClientDialog.create(Limits.DEFAULT);
            case LMTP -> LmtpClientDialog.create("localhost", Limits.DEFAULT);
            case SIEVE -> SieveClientDialog.create(Limits.DEFAULT);
            case NNTP -> NntpClientDialog.create(Limits.DEFAULT);
        };
    }

    private record Visit(ClientDialog dialog, boolean encrypted, String tag, List<String> path) {
    }

    /** Explores {@code protocol}'s client dialog and returns every transition found, in discovery order. */
    static List<Edge> explore(Protocol protocol) {
        List<Edge> edges = new ArrayList<>();
        Set<Node> seen = new HashSet<>();
        Deque<Visit> queue = new ArrayDeque<>();
        ClientStep first = dialog(protocol).start(false);
        ClientDialog start = ((ClientStep.Await) first).next();
        queue.add(new Visit(start, false, "A1", List.of()));
        seen.add(new Node(start.state(), false));
        if (protocol.hasImplicitPort()) {
            ClientStep implicitFirst = dialog(protocol).start(true);
            ClientDialog implicitStart = ((ClientStep.Await) implicitFirst).next();
            Node implicitNode = new Node(implicitStart.state(), true);
            edges.add(new Edge(new Node(IMPLICIT_HANDSHAKE, false), "TLS up", implicitNode, "", "", List.of()));
            queue.add(new Visit(implicitStart, true, "A1", List.of()));
            seen.add(implicitNode);
        }
        while (!queue.isEmpty()) {
            Visit v = queue.poll();
            Node from = new Node(v.dialog().state(), v.encrypted());
            for (Input input : inputs(protocol)) {
                List<String> lines = input.concrete(v.tag());
                ClientDialog d = v.dialog();
                ClientStep step = null;
                boolean early = false;
                for (int i = 0; i < lines.size(); i++) {
                    step = d.onLine(lines.get(i));
                    if (i < lines.size() - 1) {
                        if (step instanceof ClientStep.Await a && a.send().isEmpty()) {
                            d = a.next();
                        } else {
                            early = true;
                            break;
                        }
                    }
                }
                if (early) {
                    continue; // not a response this state can receive whole
                }
                List<String> path = new ArrayList<>(v.path());
                path.add(String.join("\r\n", lines));
                follow(from, input.label(), step, v, path, edges, seen, queue);
            }
        }
        return edges;
    }

    private static void follow(Node from, String label, ClientStep step, Visit v, List<String> path, List<Edge> edges,
                               Set<Node> seen, Deque<Visit> queue) {
        boolean tls = v.encrypted();
        if (step instanceof ClientStep.Await a) {
            Node to = new Node(a.next().state(), tls);
            edges.add(new Edge(from, label, to, shown(a.send()), "", path));
            visit(a.next(), tls, tagOf(a.send(), v.tag()), path, seen, queue);
        } else if (step instanceof ClientStep.Ready r) {
            if (tls) {
                edges.add(new Edge(from, label, new Node(SECURED, true), "", "", path));
            } else if (r.offer() == StartTlsOffer.NOT_OFFERED) {
                edges.add(new Edge(from, label, new Node(NO_TLS, false), "", "STARTTLS_NOT_OFFERED", path));
            } else {
                ClientStep.Await a = (ClientStep.Await) r.next().requestStartTls();
                edges.add(new Edge(from, label + (r.offer() == StartTlsOffer.UNKNOWN ? " (offer unknown)" : ""),
                        new Node(a.next().state(), false), shown(a.send()), "", path));
                visit(a.next(), false, tagOf(a.send(), v.tag()), path, seen, queue);
            }
        } else if (step instanceof ClientStep.NoTls n) {
            edges.add(new Edge(from, label, tls ? new Node(SECURED, true) : new Node(NO_TLS, false), "",
                    tls ? "" : n.why().reason().name(), path));
        } else if (step instanceof ClientStep.GoAhead g) {
            if (tls) {
                edges.add(new Edge(from, label, new Node(FAILED, true), "", "UNEXPECTED_REPLY", path));
                return;
            }
            Node handshaking = new Node(HANDSHAKING, false);
            edges.add(new Edge(from, label, handshaking, "", "", path));
            ClientStep.Await after = (ClientStep.Await) g.next().restartAfterTls();
            Node to = new Node(after.next().state(), true);
            if (edges.stream().noneMatch(e -> e.from().equals(handshaking) && e.to().equals(to))) {
                edges.add(new Edge(handshaking, "TLS up", to, shown(after.send()), "", List.of()));
            }
            visit(after.next(), true, tagOf(after.send(), v.tag()), path, seen, queue);
        } else {
            ClientStep.Fail f = (ClientStep.Fail) step;
            edges.add(new Edge(from, label, new Node(FAILED, tls), shown(f.send()), f.failure().reason().name(), path));
        }
    }

    private static void visit(ClientDialog next, boolean tls, String tag, List<String> path, Set<Node> seen, Deque<Visit> queue) {
        if (seen.add(new Node(next.state(), tls))) {
            queue.add(new Visit(next, tls, tag, List.copyOf(path)));
        }
    }

    private static String tagOf(String send, String previous) {
        return send.matches("A\\d+ .*\\r\\n") ? send.substring(0, send.indexOf(' ')) : previous;
    }

    /** A command as the diagram shows it: without CRLF, an IMAP tag as {@code An}. */
    private static String shown(String send) {
        return send.replace("\r\n", " ").trim().replaceAll("^A\\d+ ", "An ");
    }

    // ------------------------------------------------------------------ rendering

    /** The whole of {@code probe/DIAGRAMS.md}. */
    static String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("# Client state diagrams\n\n");
        s.append("Generated by `starttls4j diagrams` (org.starttls4j.probe.Diagrams) from the client dialogs of the core:\n");
        s.append("each dialog is fed representative server responses in every state it reaches, and the driver's\n");
        s.append("decisions are applied to its answers (STARTTLS when offered or when the offer is unknown, the policy\n");
        s.append("at a refusal, hand-over once capabilities are known inside TLS). `DiagramsTest` fails when this file\n");
        s.append("differs from what the code generates, and replays every plaintext transition through a real\n");
        s.append("`Negotiation`. State names are those `Negotiation.state()` reports.\n\n");
        s.append("Not drawn, because every state has them: `TIMEOUT`, `PEER_CLOSED`, `LINE_TOO_LONG`,\n");
        s.append("`TOO_MUCH_PLAINTEXT` and bare CR/LF/NUL (`MALFORMED_REPLY`) end in `Failed`; a reply while no command\n");
        s.append("is outstanding fails with `UNEXPECTED_REPLY`; plaintext after the go-ahead fails with\n");
        s.append("`PLAINTEXT_INJECTION`; a failed handshake or a rejected certificate ends `Handshaking` in `Failed`.\n");
        for (Protocol p : Protocol.values()) {
            s.append("\n## ").append(p.name()).append("\n\n");
            List<Edge> edges = explore(p);
            s.append("```mermaid\n").append(mermaid(edges)).append("```\n\n");
            s.append(table(edges));
        }
        return s.toString();
    }

    /** The Mermaid state diagram of {@code edges}: failures from one state merged into one arrow. */
    static String mermaid(List<Edge> edges) {
        StringBuilder s = new StringBuilder("stateDiagram-v2\n");
        Set<Node> nodes = new LinkedHashSet<>();
        for (Edge e : edges) {
            nodes.add(e.from());
            nodes.add(e.to());
        }
        for (Node n : nodes) {
            if (n.name().equals(NO_TLS)) {
                s.append("    state NoTls <<choice>>\n");
            } else if (n.name().equals(IMPLICIT_HANDSHAKE)) {
                s.append("    state \"Handshaking (implicit TLS)\" as ").append(IMPLICIT_HANDSHAKE).append('\n');
            } else if (!n.id().equals(n.shown())) {
                s.append("    state \"").append(n.shown()).append("\" as ").append(n.id()).append('\n');
            }
        }
        Node first = edges.stream().filter(e -> !e.from().encrypted() && !e.from().name().equals(IMPLICIT_HANDSHAKE))
                .findFirst().orElseThrow().from();
        s.append("    [*] --> ").append(first.id()).append(" : STARTTLS port\n");
        boolean implicit = nodes.stream().anyMatch(n -> n.name().equals(IMPLICIT_HANDSHAKE));
        if (implicit) {
            s.append("    [*] --> ").append(IMPLICIT_HANDSHAKE).append(" : implicit TLS port\n");
        }
        // One arrow per pair of states: failures by reason; otherwise the responses, grouped by what the client sends.
        Map<String, Map<String, Set<String>>> merged = new LinkedHashMap<>();
        for (Edge e : edges) {
            String key = e.from().id() + " --> " + e.to().id();
            Map<String, Set<String>> bySends = merged.computeIfAbsent(key, k -> new LinkedHashMap<>());
            if (e.to().name().equals(FAILED)) {
                bySends.computeIfAbsent("", k -> new LinkedHashSet<>()).add(e.reason());
            } else if (e.from().equals(e.to())) {
                bySends.computeIfAbsent("", k -> new LinkedHashSet<>()).add(e.input().startsWith("* ") ? "untagged responses"
                        : e.input());
            } else {
                String input = e.input() + (e.to().name().equals(NO_TLS) ? " (" + e.reason() + ")" : "");
                bySends.computeIfAbsent(e.sends(), k -> new LinkedHashSet<>()).add(input);
            }
        }
        merged.forEach((arrow, bySends) -> {
            List<String> parts = new ArrayList<>();
            boolean failure = arrow.endsWith("--> " + FAILED);
            boolean loop = arrow.substring(0, arrow.indexOf(' ')).equals(arrow.substring(arrow.lastIndexOf(' ') + 1));
            bySends.forEach((sends, inputs) -> parts.add(String.join(failure ? ", " : " or ", inputs)
                    + (sends.isEmpty() ? "" : " / " + sends)));
            s.append("    ").append(arrow).append(" : ").append(sanitize(String.join(", ", parts) + (loop ? " (still waiting)" : "")))
                    .append('\n');
        });
        boolean anyNoTls = nodes.stream().anyMatch(n -> n.name().equals(NO_TLS));
        if (anyNoTls) {
            s.append("    NoTls --> Plaintext : OPPORTUNISTIC\n");
            s.append("    NoTls --> Failed : REQUIRED (farewell sent)\n");
        }
        s.append("    Handshaking --> Failed : handshake or certificate fails\n");
        if (implicit) {
            s.append("    ImplicitHandshake --> Failed : handshake or certificate fails\n");
        }
        s.append("    Secured --> [*]\n");
        if (anyNoTls) {
            s.append("    Plaintext --> [*]\n");
        }
        s.append("    Failed --> [*]\n");
        return s.toString();
    }

    /** Every transition as a Markdown table. */
    static String table(List<Edge> edges) {
        StringBuilder s = new StringBuilder("| state | server sends | next | client sends | reason |\n");
        s.append("|---|---|---|---|---|\n");
        for (Edge e : edges) {
            s.append("| ").append(e.from().shown()).append(" | ").append(cell(e.input())).append(" | ").append(e.to().shown())
                    .append(" | ").append(e.sends().isEmpty() ? "" : "`" + e.sends() + "`").append(" | ").append(e.reason()).append(" |\n");
        }
        return s.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** Keeps a Mermaid label to characters every renderer takes. */
    private static String sanitize(String label) {
        return label.replace(":", " ").replace(";", ",").replace("\"", "").replace("#", "").replace("[", "(").replace("]", ")")
                .replace("<", "").replace(">", "").replace("{", "(").replace("}", ")");
    }
}
