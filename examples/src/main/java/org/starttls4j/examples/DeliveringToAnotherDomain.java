package org.starttls4j.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.starttls4j.dane.DaneLevel;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationException;
import org.starttls4j.nio.NioClient;
import org.starttls4j.resolvers.DeliveryPlan;
import org.starttls4j.resolvers.DeliveryPlanner;
import org.starttls4j.resolvers.DnssecResolver;
import org.starttls4j.resolvers.FilePolicyStore;
import org.starttls4j.resolvers.MtaStsFetcher;
import org.starttls4j.resolvers.MtaStsResolver;
import org.starttls4j.resolvers.MxHost;
import org.starttls4j.resolvers.Route;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.tlsrpt.AggregateReport;
import org.starttls4j.tlsrpt.SessionOutcome;

/**
 * The README's example for MTA authors: from a recipient domain, through DANE or MTA-STS, to a
 * secured session with each MX host and the day's TLS-RPT report.
 */
public final class DeliveringToAnotherDomain {

    private DeliveringToAnotherDomain() {
    }

    /**
     * The resolvers of a production MTA: a validating resolver asking the local recursive resolver
     * and trusting the root zone's key, and the MTA-STS policy cache.
     *
     * @return the planner
     */
    public static DeliveryPlanner productionPlanner() {
        // README: delivery planner
        // The root zone's trust anchor (KSK-2017); take the current ones from https://data.iana.org/root-anchors/
        String rootAnchor = ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
        DnssecResolver dns = DnssecResolver.create(new InetSocketAddress("127.0.0.1", 53), rootAnchor,
                Clock.systemUTC(), Duration.ofSeconds(10));
        // MTA-STS policies survive restarts (RFC 8461 §5.1); call mtaSts.refresh(Instant.now()) daily
        MtaStsResolver mtaSts = new MtaStsResolver(dns::txt, MtaStsFetcher.builder().build(), 100_000,
                FilePolicyStore.at(Path.of("/var/lib/mta/mta-sts.cache")));
        DeliveryPlanner planner = new DeliveryPlanner(dns, mtaSts, Optional.of(DaneLevel.DANE),
                b -> b.clientName("mx.sender.example"));   // your EHLO name, limits, timeouts
        // README end
        return planner;
    }

    /**
     * Delivers to every MX host of a domain the way its policy says, and reports the day.
     *
     * @param planner the planner
     * @param domain  the recipient domain
     * @param addressOf where each MX host listens (an A/AAAA lookup and port 25 in production)
     * @return the report, with the plan's TLS-RPT record saying where it goes
     * @throws IOException when a connection fails below the negotiation
     */
    public static AggregateReport deliver(DeliveryPlanner planner, String domain,
                                          Function<MxHost, InetSocketAddress> addressOf) throws IOException {
        // README: delivering to another domain
        DeliveryPlan plan = planner.plan(domain, Instant.now());   // MX, MTA-STS, TLSA, TLS-RPT
        List<SessionOutcome> day = new ArrayList<>();
        for (Route route : plan.routes()) {
            if (route instanceof Route.Skip) {                      // e.g. not in the enforced MTA-STS policy
                Route.Skip skip = (Route.Skip) route;
                day.add(SessionOutcome.failure(skip.policy(), skip.mx().host(), skip.report()));
                continue;
            }
            Route.Negotiate negotiate = (Route.Negotiate) route;    // negotiate.demanded() says what and why
            try (NegotiatedChannel channel = NioClient.create()
                    .connect(addressOf.apply(route.mx()), negotiate.config(), Smtp::client)) {
                String ip = ((InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
                day.add(SessionOutcome.success(route.policy(), route.mx().host()).withReceivingIp(ip));
                // ... MAIL FROM, RCPT TO, DATA inside TLS; stop at the first MX host that took the mail
            } catch (NegotiationException e) {                      // DANE mismatch, STARTTLS stripped, ...
                day.add(SessionOutcome.failure(route.policy(), route.mx().host(), e.failure()));
                // under an MTA-STS "testing" policy: negotiate.fallback() delivers anyway
            }
        }
        // once a day, per domain that has a TLS-RPT record (plan.tlsRpt()): compress and send to its rua
        AggregateReport report = AggregateReport.of("Sender Org", "postmaster@sender.example", "2026-12-07-" + domain,
                Instant.now().minus(Duration.ofDays(1)), Instant.now(), day);
        // README end
        return report;
    }
}
