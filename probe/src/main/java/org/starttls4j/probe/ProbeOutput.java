package org.starttls4j.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.TlsFacts;

/** Renders a {@link ProbeResult}: for people (in the order things happened) and as JSON. */
final class ProbeOutput {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final String INDENT = "              ";

    private ProbeOutput() {
    }

    // ------------------------------------------------------------------ people

    static void human(ProbeResult r, boolean transcript, Style style, PrintWriter out) {
        Target t = r.target();
        out.println(style.bold("probe " + t.url()) + style.dim("  (policy " + r.policy() + ", adapter " + r.adapter() + ")"));
        row(out, "connected", Adapter.describe(r.remote()) + " in " + r.connectMillis() + " ms");
        if (transcript) {
            transcript(r, style, out);
        } else {
            r.greeting().ifPresent(g -> row(out, "greeting", Words.printable(g.text())
                    + style.dim(g.encrypted() ? "  (inside TLS)" : "  (plaintext, untrusted)")));
        }
        r.capabilitiesBeforeTls().ifPresent(c -> row(out, "before TLS", capabilities(c)));
        if (!t.implicit()) {
            if (r.startTlsAccepted()) {
                row(out, t.protocol().startTlsWord(), "accepted");
            } else if (r.capabilitiesBeforeTls().isPresent()) {
                boolean offered = r.capabilitiesBeforeTls().get().has(t.protocol().startTlsWord());
                row(out, t.protocol().startTlsWord(), offered ? "offered, not accepted" : style.warn("not offered"));
            }
        }
        r.tls().ifPresent(tls -> row(out, "TLS", tls.protocol() + ", " + tls.cipherSuite()
                + r.handshakeMillis().map(ms -> ", handshake " + ms + " ms").orElse("")));
        r.leaf().ifPresent(cert -> certificate(r, cert, style, out));
        r.capabilitiesAfterTls().ifPresent(c -> row(out, "after TLS", capabilities(c)));
        for (String warning : r.warnings()) {
            row(out, style.warn("warning"), style.warn(warning));
        }
        out.println(result(r, style));
        out.flush();
    }

    private static void transcript(ProbeResult r, Style style, PrintWriter out) {
        row(out, "transcript", style.dim("(S = server, C = client; [plain] or [tls])"));
        Instant zero = r.connected();
        for (Event e : r.events()) {
            if (e instanceof Event.Line l) {
                long ms = Math.max(0, Duration.between(zero, l.at()).toMillis());
                String who = l.direction() == Event.Direction.RECEIVED ? "S: " : "C: ";
                String layer = l.encrypted() ? style.good("[tls]  ") : style.warn("[plain]");
                out.println(INDENT + String.format("%6d ms ", ms) + layer + " " + who + Words.printable(l.text()));
            } else if (e instanceof Event.StartTlsAccepted) {
                out.println(INDENT + "          " + style.dim("-- go-ahead read; TLS handshake"));
            } else if (e instanceof Event.TlsEstablished t) {
                out.println(INDENT + "          " + style.dim("-- TLS established: " + t.facts().protocol() + " "
                        + t.facts().cipherSuite()));
            } else if (e instanceof Event.FellBackToPlaintext f) {
                out.println(INDENT + "          " + style.warn("-- fell back to plaintext: " + f.cause().reason()));
            } else if (e instanceof Event.Failed f) {
                out.println(INDENT + "          " + style.bad("-- failed: " + f.failure().reason()));
            }
        }
    }

    private static void certificate(ProbeResult r, X509Certificate cert, Style style, PrintWriter out) {
        row(out, "certificate", cert.getSubjectX500Principal().getName());
        out.println(INDENT + "issuer   " + cert.getIssuerX500Principal().getName());
        List<String> names = Words.subjectAltNames(cert);
        out.println(INDENT + "names    " + (names.isEmpty() ? "(no subject alternative names)" : String.join(", ", names)));
        long days = r.daysToExpiry().orElse(0L);
        String expiry = DAY.format(cert.getNotAfter().toInstant()) + " ("
                + (days < 0 ? "expired " + Words.plural(-days, "day") + " ago" : "in " + Words.plural(days, "day")) + ")";
        out.println(INDENT + "expires  " + (days <= Words.EXPIRY_WARNING_DAYS ? style.warn(expiry) : expiry));
        out.println(INDENT + "sha256   " + TlsFacts.sha256(cert));
        String verdict = verdict(r);
        String shown = verdict.equals("passed") ? style.good(verdict)
                : verdict.startsWith("rejected") ? style.bad(verdict) : style.warn(verdict);
        out.println(INDENT + "checked  " + r.verification() + ": " + shown);
    }

    private static String verdict(ProbeResult r) {
        Optional<Failure> certificateFailure = r.failure().filter(f -> f.reason() == Failure.Reason.CERTIFICATE_REJECTED);
        if (certificateFailure.isPresent()) {
            return "rejected, " + certificateFailure.get().certificateProblem().map(p -> Words.problem(p.name()))
                    .orElse("the certificate was rejected");
        }
        if (r.verification().startsWith("none")) {
            return "not checked";
        }
        return r.tls().isPresent() ? "passed" : "not reached";
    }

    private static String result(ProbeResult r, Style style) {
        String total = "  (total " + r.totalMillis() + " ms)";
        String head = "  " + pad("result", 12);
        switch (r.outcome()) {
            case SECURED:
                return head + style.good("SECURED") + " — encrypted" + (r.policy().equals("opportunistic") ? ", as the policy prefers"
                        : ", as the policy requires") + style.dim(total);
            case PLAINTEXT:
                return head + style.warn("PLAINTEXT") + " — not encrypted, which the opportunistic policy allows"
                        + r.fallbackCause().map(f -> ": " + f.reason()).orElse("") + style.dim(total);
            default:
                return head + style.bad("FAILED") + " — " + r.failure().map(Words::failure).orElse("no outcome") + style.dim(total);
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.println("  " + pad(label, 12) + value);
    }

    /** Pads a label that may carry colour codes to a visible width. */
    private static String pad(String label, int width) {
        int visible = label.replaceAll("\u001b\\[[0-9;]*m", "").length();
        return label + " ".repeat(Math.max(1, width - visible));
    }

    private static String capabilities(Capabilities c) {
        return c.isEmpty() ? "(none)" : c.list().stream().map(Capability::toString).collect(Collectors.joining(", "));
    }

    // ------------------------------------------------------------------ JSON

    static ObjectNode json(ProbeResult r, boolean transcript) {
        ObjectNode o = NODES.objectNode();
        o.put("url", r.target().url());
        o.put("protocol", r.target().protocol().lowerName());
        o.put("policy", r.policy());
        o.put("adapter", r.adapter());
        o.put("remote", Adapter.describe(r.remote()));
        o.put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
        o.put("asPolicyDemands", r.asPolicyDemands());
        o.set("failure", r.failure().<JsonNode>map(ProbeOutput::failure).orElse(NODES.nullNode()));
        o.set("fallback", r.fallbackCause().<JsonNode>map(ProbeOutput::failure).orElse(NODES.nullNode()));
        o.set("greeting", r.greeting().<JsonNode>map(g -> NODES.objectNode().put("text", g.text()).put("encrypted", g.encrypted()))
                .orElse(NODES.nullNode()));
        o.set("tls", tls(r));
        o.set("capabilitiesBeforeTls", r.capabilitiesBeforeTls().<JsonNode>map(ProbeOutput::capabilityArray).orElse(NODES.nullNode()));
        o.set("capabilitiesAfterTls", r.capabilitiesAfterTls().<JsonNode>map(ProbeOutput::capabilityArray).orElse(NODES.nullNode()));
        ArrayNode warnings = o.putArray("warnings");
        r.warnings().forEach(warnings::add);
        ObjectNode timings = o.putObject("timingsMillis");
        timings.put("connect", r.connectMillis());
        timings.put("greeting", r.greetingMillis().orElse(null));
        timings.put("handshake", r.handshakeMillis().orElse(null));
        timings.put("total", r.totalMillis());
        if (transcript) {
            ArrayNode lines = o.putArray("transcript");
            for (Event.Line l : r.lines()) {
                lines.addObject()
                        .put("millis", Math.max(0, Duration.between(r.connected(), l.at()).toMillis()))
                        .put("direction", l.direction() == Event.Direction.SENT ? "sent" : "received")
                        .put("encrypted", l.encrypted())
                        .put("text", l.text());
            }
        }
        return o;
    }

    static ObjectNode failure(Failure f) {
        ObjectNode o = NODES.objectNode();
        o.put("reason", f.reason().name());
        o.put("message", f.message());
        o.put("peerReply", f.peerReply().orElse(null));
        o.put("certificateProblem", f.certificateProblem().map(Enum::name).orElse(null));
        o.put("tlsRptResultType", f.tlsRptResultType());
        return o;
    }

    private static JsonNode tls(ProbeResult r) {
        Optional<X509Certificate> leaf = r.leaf();
        if (r.tls().isEmpty() && leaf.isEmpty()) {
            return NODES.nullNode();
        }
        ObjectNode o = NODES.objectNode();
        o.put("protocol", r.tls().map(TlsFacts::protocol).orElse(null));
        o.put("cipherSuite", r.tls().map(TlsFacts::cipherSuite).orElse(null));
        if (leaf.isEmpty()) {
            o.set("peerCertificate", NODES.nullNode());
            return o;
        }
        X509Certificate cert = leaf.get();
        ObjectNode c = o.putObject("peerCertificate");
        c.put("subject", cert.getSubjectX500Principal().getName());
        c.put("issuer", cert.getIssuerX500Principal().getName());
        ArrayNode names = c.putArray("subjectAltNames");
        Words.subjectAltNames(cert).forEach(names::add);
        c.put("notAfter", cert.getNotAfter().toInstant().toString());
        c.put("daysToExpiry", r.daysToExpiry().orElse(null));
        c.put("sha256", TlsFacts.sha256(cert));
        ObjectNode v = c.putObject("verification");
        v.put("method", r.verification());
        String verdict = verdict(r);
        v.put("result", verdict.startsWith("rejected") ? "rejected" : verdict);
        v.put("problem", r.failure().flatMap(Failure::certificateProblem).map(Enum::name).orElse(null));
        return o;
    }

    private static ArrayNode capabilityArray(Capabilities c) {
        ArrayNode a = NODES.arrayNode();
        c.list().forEach(cap -> a.add(cap.toString()));
        return a;
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
