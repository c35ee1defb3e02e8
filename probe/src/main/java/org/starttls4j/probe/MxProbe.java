package org.starttls4j.probe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.TlsFacts;
import org.starttls4j.Timeouts;
import org.starttls4j.dane.DaneLevel;
import org.starttls4j.resolvers.DeliveryPlan;
import org.starttls4j.resolvers.DeliveryPlanner;
import org.starttls4j.resolvers.DnsAnswer;
import org.starttls4j.resolvers.DnssecResolver;
import org.starttls4j.resolvers.MtaStsFetcher;
import org.starttls4j.resolvers.MtaStsResolver;
import org.starttls4j.resolvers.Route;
import org.starttls4j.resolvers.StsLookup;
import org.starttls4j.Certificates;
import org.starttls4j.tlsrpt.ResultType;

/**
 * {@code probe smtp://example.org --mx}: resolves the domain's MX hosts, MTA-STS policy, TLSA
 * records and TLS-RPT record, negotiates with each MX host under the policy that results, and
 * says for each what the policy demanded and what happened.
 */
final class MxProbe {

    /**
     * What happened at one MX host.
     *
     * @param route    the route the policy gave it
     * @param address  where it was reached, if it was
     * @param events   the negotiation's events; empty when not negotiated
     * @param problem  why it was not negotiated (skipped by the policy, no address, unreachable), or empty
     * @param fallback under an MTA-STS {@code testing} policy whose demands failed: the events of the
     *                 negotiation a sender then delivers with (the route's {@code fallback()}); else empty
     */
    record MxResult(Route route, Optional<InetSocketAddress> address, List<Event> events, Optional<String> problem,
                    List<Event> fallback) {

        MxResult(Route route, Optional<InetSocketAddress> address, List<Event> events, Optional<String> problem) {
            this(route, address, events, problem, List.of());
        }

        /** What the fallback negotiation gave: "secured", "plaintext", "failed", or empty when there was none. */
        Optional<String> fallbackOutcome() {
            if (fallback.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(fallback.stream().anyMatch(e -> e instanceof Event.Secured) ? "secured"
                    : fallback.stream().anyMatch(e -> e instanceof Event.HandedOverInPlaintext) ? "plaintext" : "failed");
        }

        Optional<Failure> failure() {
            return events.stream().filter(Event.Failed.class::isInstance).map(e -> ((Event.Failed) e).failure()).findFirst();
        }

        Optional<TlsFacts> tls() {
            return events.stream().filter(e -> e instanceof Event.TlsEstablished)
                    .map(e -> ((Event.TlsEstablished) e).facts()).findFirst();
        }

        boolean secured() {
            return events.stream().anyMatch(e -> e instanceof Event.Secured);
        }

        boolean plaintext() {
            return events.stream().anyMatch(e -> e instanceof Event.HandedOverInPlaintext);
        }

        /**
         * As the policy demands: negotiated without failure, skipped because the policy says so, or,
         * under an MTA-STS {@code testing} policy, delivered through the fallback after the failure
         * (which is then only reported, RFC 8461 §5).
         */
        boolean asDemanded() {
            return route instanceof Route.Skip || secured() || plaintext()
                    || fallbackOutcome().filter(o -> !o.equals("failed")).isPresent();
        }

        String outcome() {
            if (route instanceof Route.Skip) {
                return "skipped";
            }
            if (secured()) {
                return "secured";
            }
            if (plaintext()) {
                return "plaintext";
            }
            return problem.isPresent() ? "unreachable" : "failed";
        }

        Optional<ResultType> report() {
            if (route instanceof Route.Skip skip) {
                return Optional.of(skip.report());
            }
            Optional<ResultType> failed = failure().map(ResultType::of);
            if (failed.isPresent() || !(route instanceof Route.Negotiate negotiate)) {
                return failed;
            }
            return Optional.ofNullable(negotiate.report());
        }
    }

    /**
     * The whole run.
     *
     * @param plan    the plan
     * @param results one per route
     */
    record Result(DeliveryPlan plan, List<MxResult> results) {
        boolean asDemanded() {
            return plan.problem().isEmpty() && results.stream().allMatch(MxResult::asDemanded);
        }

        /** Whether any MX host was not negotiated with because its policy says not to deliver there. */
        boolean skipped() {
            return results.stream().anyMatch(m -> m.route() instanceof Route.Skip);
        }
    }

    private MxProbe() {
    }

    static Result run(Target target, ClientSettings settings, InetSocketAddress dns, String trustAnchors, Optional<DaneLevel> dane,
                      int mtaStsPort) {
        DnssecResolver resolver = DnssecResolver.create(dns, trustAnchors, Clock.systemUTC(), settings.timeout());
        MtaStsFetcher.Builder fetcher = MtaStsFetcher.builder().timeout(settings.timeout()).port(mtaStsPort);
        if (!settings.trust().isEmpty()) {
            fetcher.sslContext(trusting(settings));
        }
        UnaryOperator<ClientConfig.Builder> sender = b -> {
            b.clientName(settings.ehlo()).tlsFloor(settings.tlsMin()).timeouts(Timeouts.of(settings.timeout()));
            return settings.trust().isEmpty() ? b : b.trustAnchors(settings.trust());
        };
        DeliveryPlanner planner = new DeliveryPlanner(resolver, new MtaStsResolver(resolver, fetcher.build(), 100), dane, sender);
        DeliveryPlan plan = planner.plan(target.host(), target.port(), Instant.now());
        List<MxResult> results = new ArrayList<>();
        for (Route route : plan.routes()) {
            results.add(negotiate(route, resolver, target, settings));
        }
        return new Result(plan, results);
    }

    private static MxResult negotiate(Route route, DnssecResolver resolver, Target target, ClientSettings settings) {
        if (route instanceof Route.Skip) {
            return new MxResult(route, Optional.empty(), List.of(), Optional.empty());
        }
        DnsAnswer<InetAddress> addresses = resolver.addresses(route.mx().host());
        if (!(addresses instanceof DnsAnswer.Found<InetAddress> found)) {
            return new MxResult(route, Optional.empty(), List.of(), Optional.of("no address for " + route.mx().host()));
        }
        InetSocketAddress address = new InetSocketAddress(found.values().get(0), target.port());
        try {
            Route.Negotiate negotiate = (Route.Negotiate) route;
            Adapter.Run run = settings.adapter().connect(address, negotiate.config(), Protocol.SMTP, settings.timeout());
            boolean failed = run.events().stream().anyMatch(e -> e instanceof Event.Failed);
            if (failed && negotiate.fallback().isPresent()) {
                // MTA-STS testing: the failure is reported, then the mail goes as without the policy.
                Adapter.Run again = settings.adapter().connect(address, negotiate.fallback().get(), Protocol.SMTP, settings.timeout());
                return new MxResult(route, Optional.of(address), run.events(), Optional.empty(), again.events());
            }
            return new MxResult(route, Optional.of(address), run.events(), Optional.empty());
        } catch (UnreachableException e) {
            return new MxResult(route, Optional.of(address), List.of(), Optional.of(e.getMessage()));
        }
    }

    static SSLContext trusting(ClientSettings settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {Certificates.trusting(settings.trust())}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }

    // ------------------------------------------------------------------ output

    static void human(Result r, Style style, PrintWriter out) {
        DeliveryPlan plan = r.plan();
        out.println(style.bold("probe --mx " + plan.domain()));
        plan.problem().ifPresent(p -> out.println("  " + style.bad(p)));
        out.println("  MTA-STS   " + mtaStsWords(plan.mtaSts()));
        out.println("  TLS-RPT   " + plan.tlsRpt().map(t -> "reports to " + t.rua()).orElse(style.dim("no record")));
        for (MxResult m : r.results()) {
            Route route = m.route();
            out.println(style.bold("  " + route.mx().host()) + style.dim("  (preference " + route.mx().preference()
                    + ", policy " + route.policy().type().wireName() + ")"));
            if (route instanceof Route.Skip) {
                Route.Skip skip = (Route.Skip) route;
                out.println("    demanded  do not deliver: " + skip.why());
                out.println("    outcome   " + style.warn("skipped") + " (reported as " + skip.report().wireName() + ")");
                continue;
            }
            out.println("    demanded  " + ((Route.Negotiate) route).demanded());
            m.address().ifPresent(a -> out.println("    address   " + Adapter.describe(a)));
            String outcome = m.outcome();
            String line = switch (outcome) {
                case "secured" -> style.good("secured") + m.tls().map(t -> ", " + t.protocol() + ", " + t.cipherSuite()).orElse("");
                case "plaintext" -> style.warn("plaintext") + " (the policy allows it)";
                case "unreachable" -> style.bad("unreachable") + ": " + m.problem().orElse("");
                default -> style.bad("failed") + ": " + m.failure().map(Failure::toString).orElse("");
            };
            out.println("    outcome   " + line);
            m.fallbackOutcome().ifPresent(o -> out.println("    fallback  " + (o.equals("failed") ? style.bad(o) : style.warn(o))
                    + " (MTA-STS testing: the failure is reported, the mail goes as without the policy)"));
            m.report().ifPresent(t -> out.println("    TLS-RPT   " + t.wireName()));
        }
        out.flush();
    }

    static ObjectNode json(Result r) {
        DeliveryPlan plan = r.plan();
        ObjectNode root = ProbeOutput.JSON.createObjectNode().put("domain", plan.domain()).put("asDemanded", r.asDemanded())
                .put("skipped", r.skipped());
        plan.problem().ifPresent(p -> root.put("problem", p));
        ObjectNode sts = root.putObject("mtaSts");
        if (plan.mtaSts() instanceof StsLookup.Found) {
            StsLookup.Found found = (StsLookup.Found) plan.mtaSts();
            sts.put("mode", found.policy().mode().text()).put("id", found.id()).put("fromCache", found.fromCache());
            ArrayNode mx = sts.putArray("mx");
            found.policy().mx().forEach(p -> mx.add(p.pattern()));
        } else {
            StsLookup.NotFound none = (StsLookup.NotFound) plan.mtaSts();
            sts.put("mode", "none").put("why", none.why());
            if (none.report() != null) {
                sts.put("resultType", none.report().wireName());
            }
        }
        ArrayNode rua = root.putArray("tlsRpt");
        plan.tlsRpt().ifPresent(t -> t.rua().forEach(u -> rua.add(u.toString())));
        ArrayNode hosts = root.putArray("mx");
        for (MxResult m : r.results()) {
            ObjectNode h = hosts.addObject().put("host", m.route().mx().host()).put("preference", m.route().mx().preference())
                    .put("policyType", m.route().policy().type().wireName()).put("outcome", m.outcome());
            if (m.route() instanceof Route.Negotiate) {
                h.put("demanded", ((Route.Negotiate) m.route()).demanded());
            } else {
                h.put("demanded", "do not deliver: " + ((Route.Skip) m.route()).why());
            }
            m.address().ifPresent(a -> h.put("address", a.getAddress().getHostAddress()).put("port", a.getPort()));
            m.tls().ifPresent(t -> h.put("tlsProtocol", t.protocol()).put("cipherSuite", t.cipherSuite()));
            m.failure().ifPresent(f -> {
                h.put("failure", f.reason().name()).put("message", f.message());
                f.certificateProblem().ifPresent(p -> h.put("certificateProblem", p.name()));
            });
            m.problem().ifPresent(p -> h.put("problem", p));
            m.fallbackOutcome().ifPresent(o -> h.put("fallbackOutcome", o));
            m.report().ifPresent(t -> h.put("resultType", t.wireName()));
        }
        return root;
    }

    private static String mtaStsWords(StsLookup lookup) {
        if (lookup instanceof StsLookup.Found) {
            StsLookup.Found f = (StsLookup.Found) lookup;
            return "mode " + f.policy().mode().text() + ", mx " + f.policy().mx() + ", id " + f.id()
                    + (f.fromCache() ? " (cached)" : "");
        }
        StsLookup.NotFound n = (StsLookup.NotFound) lookup;
        return "none: " + n.why() + (n.report() == null ? "" : " (reported as " + n.report().wireName() + ")");
    }
}
