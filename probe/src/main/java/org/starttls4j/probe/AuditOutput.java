package org.starttls4j.probe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;

/** Renders an {@link Audit.Report}: a table for people, one JSON object for programs. */
final class AuditOutput {

    private AuditOutput() {
    }

    static void human(Audit.Report r, Style style, PrintWriter out) {
        out.println(style.bold("audit " + r.target().url()) + style.dim("  (adapter " + r.adapter() + ")"));
        int width = r.checks().stream().mapToInt(c -> c.name().length()).max().orElse(10) + 2;
        for (Audit.Check c : r.checks()) {
            String verdict = switch (c.verdict()) {
                case PASS -> style.good("PASS");
                case WARN -> style.warn("WARN");
                case FAIL -> style.bad("FAIL");
            };
            out.println("  " + verdict + "  " + String.format("%-" + width + "s", c.name()) + c.reason());
        }
        String summary = r.count(Audit.Verdict.FAIL) + " FAIL, " + r.count(Audit.Verdict.WARN) + " WARN, "
                + r.count(Audit.Verdict.PASS) + " PASS";
        String shown = switch (r.overall()) {
            case PASS -> style.good(summary);
            case WARN -> style.warn(summary);
            case FAIL -> style.bad(summary);
        };
        out.println("  result  " + shown + style.dim("  (" + Audit.elapsed(r).toMillis() + " ms)"));
        out.flush();
    }

    static ObjectNode json(Audit.Report r) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode o = nodes.objectNode();
        o.put("url", r.target().url());
        o.put("protocol", r.target().protocol().lowerName());
        o.put("adapter", r.adapter());
        o.put("result", r.overall().name());
        ArrayNode checks = o.putArray("checks");
        for (Audit.Check c : r.checks()) {
            checks.addObject().put("name", c.name()).put("verdict", c.verdict().name()).put("reason", c.reason());
        }
        ObjectNode counts = o.putObject("summary");
        for (Audit.Verdict v : Audit.Verdict.values()) {
            counts.put(v.name().toLowerCase(Locale.ROOT), r.count(v));
        }
        o.put("totalMillis", Audit.elapsed(r).toMillis());
        return o;
    }
}
