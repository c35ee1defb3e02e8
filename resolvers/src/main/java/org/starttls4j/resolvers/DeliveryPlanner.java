package org.starttls4j.resolvers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.starttls4j.CertificateCheck;
import org.starttls4j.ClientConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.dane.Dane;
import org.starttls4j.dane.DaneDecision;
import org.starttls4j.dane.DaneLevel;
import org.starttls4j.dane.Tlsa;
import org.starttls4j.dane.TlsaBase;
import org.starttls4j.dane.TlsaLookup;
import org.starttls4j.mtasts.MtaSts;
import org.starttls4j.mtasts.MxDecision;
import org.starttls4j.tlsrpt.AppliedPolicy;
import org.starttls4j.tlsrpt.ResultType;
import org.starttls4j.tlsrpt.TlsRptRecord;

/**
 * Plans delivery to a recipient domain: its MX hosts, and for each the policy that applies and the
 * {@link ClientConfig} to negotiate with.
 *
 * <p>Order of precedence per MX host, DANE first as RFC 8461 §2 requires ("senders who implement
 * MTA-STS validation MUST NOT allow a 'valid' or 'testing'-only MTA-STS validation to override a
 * failing DANE validation"), and as Postfix with the {@code postfix-tlspol} policy server applies it:
 * <ol>
 *   <li>DANE, when enabled and the host's address records (unless the MX host name is an alias,
 *       below) and its TLSA RRset are DNSSEC-validated ({@link Dane#decide}); a failed TLSA lookup
 *       blocks the host. When the MX host name is an alias, the TLSA base domain is chosen as
 *       RFC 7672 §2.2.2 says ({@link DnssecResolver#tlsaBase}). Whether the MX RRset itself was
 *       validated does not matter here: RFC 7672 §2.2.1 lets the client use DANE TLS (§2.2.2) with
 *       the MX hosts of an "insecure" MX RRset, so that an unsigned domain hosted by a provider
 *       that publishes TLSA records benefits from them; this planner takes that option (Postfix
 *       offers the same choice as {@code smtp_tls_dane_insecure_mx_policy}). The reference
 *       identifiers are then still the MX host name and its secure CNAME expansion, never the
 *       next-hop domain, which only a secure MX RRset would vouch for.</li>
 *   <li>MTA-STS, when the domain has a policy ({@link MtaSts#decide}).</li>
 *   <li>Otherwise Postfix's {@code may}: opportunistic STARTTLS, the certificate not judged.</li>
 * </ol>
 * The sender's own settings (EHLO name, limits, timeouts, trust anchors) are applied first to
 * every configuration; the policy's demands are set over them. A domain whose only MX record is a
 * null MX ({@code 0 .}, RFC 7505), or that does not exist (an MX lookup answered NXDOMAIN, an
 * error by RFC 5321 §5.1), gets no route and {@link DeliveryPlan#acceptsNoMail()}.
 */
public final class DeliveryPlanner {

    private final DnssecResolver dns;
    private final MtaStsResolver mtaSts;
    private final Optional<DaneLevel> dane;
    private final UnaryOperator<ClientConfig.Builder> sender;

    /**
     * A planner.
     *
     * @param dns    the validating resolver
     * @param mtaSts the MTA-STS resolver (with its cache)
     * @param dane   the DANE level, or empty to ignore TLSA records
     * @param sender the sender's own settings for every configuration
     */
    public DeliveryPlanner(DnssecResolver dns, MtaStsResolver mtaSts, Optional<DaneLevel> dane,
                           UnaryOperator<ClientConfig.Builder> sender) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.mtaSts = Objects.requireNonNull(mtaSts, "mtaSts");
        this.dane = Objects.requireNonNull(dane, "dane");
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    /**
     * Plans delivery to a domain.
     *
     * @param domain the recipient domain
     * @param now    the time, for the MTA-STS cache
     * @return the plan
     */
    public DeliveryPlan plan(String domain, Instant now) {
        return plan(domain, 25, now);
    }

    /**
     * Plans delivery to a domain whose MX hosts listen on another port than 25 (tests, labs); the
     * TLSA records are those of that port, {@code _<port>._tcp.<host>}.
     *
     * @param domain the recipient domain
     * @param port   the SMTP port of the MX hosts
     * @param now    the time, for the MTA-STS cache
     * @return the plan
     */
    public DeliveryPlan plan(String domain, int port, Instant now) {
        String d = MtaStsResolver.policyDomain(domain);
        StsLookup sts = mtaSts.lookup(d, now);
        Optional<TlsRptRecord> rpt = tlsRpt(d);
        DnsAnswer<MxHost> mx = dns.mx(d);
        if (mx instanceof DnsAnswer.Failed<MxHost> failed) {
            return new DeliveryPlan(d, List.of(), sts, rpt, Optional.of("MX lookup failed: " + failed.why()));
        }
        if (mx instanceof DnsAnswer.None<MxHost> none && none.noDomain()) {
            // RFC 5321 §5.1: "If a non-existent domain error is returned, this situation MUST be reported as an error."
            return new DeliveryPlan(d, List.of(), sts, rpt, Optional.of("no such domain: " + d + " (NXDOMAIN)"), true);
        }
        // RFC 5321 §5.1: no MX records at a domain that exists, the domain itself is the host.
        List<MxHost> hosts = mx instanceof DnsAnswer.Found<MxHost> found ? found.values() : List.of(new MxHost(0, d));
        if (hosts.stream().allMatch(DeliveryPlanner::isNullMx)) {
            return new DeliveryPlan(d, List.of(), sts, rpt,
                    Optional.of("null MX: " + d + " accepts no mail (RFC 7505)"), true);
        }
        List<Route> routes = new ArrayList<>();
        for (MxHost host : hosts) {
            // RFC 7505 §3 forbids a null MX beside others; such a target is no host to try
            if (!isNullMx(host)) {
                routes.add(route(d, host, port, sts));
            }
        }
        return new DeliveryPlan(d, routes, sts, rpt, Optional.empty());
    }

    private Route route(String domain, MxHost mx, int port, StsLookup sts) {
        if (dane.isPresent()) {
            // RFC 7672 §2.2.1: DANE TLS MAY be used with the MX hosts of an insecure MX RRset too;
            // §2.2.2 (in DnssecResolver.tlsaBase): TLSA records count only for a host whose address
            // records are secure.
            TlsaBase base = dns.tlsaBase(mx.host(), port);
            TlsaLookup tlsa = base.lookup();
            DaneDecision decision = Dane.decide(base, dane.get(), sender);
            AppliedPolicy policy = tlsa instanceof TlsaLookup.Secure secure
                    ? Tlsa.applied(domain, mx.host(), secure.records())
                    : AppliedPolicy.none(domain);
            if (decision instanceof DaneDecision.DoNotDeliver) {
                DaneDecision.DoNotDeliver no = (DaneDecision.DoNotDeliver) decision;
                return new Route.Skip(mx, policy, no.report(), no.why());
            }
            if (decision instanceof DaneDecision.Deliver) {
                DaneDecision.Deliver yes = (DaneDecision.Deliver) decision;
                return new Route.Negotiate(mx, yes.config(), Optional.empty(), policy,
                        yes.authenticated() ? "DANE: STARTTLS required, certificate matched against TLSA records"
                                + (base.domain().equals(mx.host()) ? "" : " of " + base.domain() + " (CNAME target)")
                                : "DANE: STARTTLS required, TLSA records unusable so the certificate is not judged",
                        yes.report());
            }
        }
        if (sts instanceof StsLookup.Found) {
            StsLookup.Found found = (StsLookup.Found) sts;
            AppliedPolicy policy = found.policy().applied(domain);
            MxDecision decision = MtaSts.decide(found.policy(), mx.host(), sender);
            if (decision instanceof MxDecision.DoNotDeliver) {
                MxDecision.DoNotDeliver no = (MxDecision.DoNotDeliver) decision;
                return new Route.Skip(mx, policy, no.report(), no.why());
            }
            if (decision instanceof MxDecision.Deliver) {
                MxDecision.Deliver yes = (MxDecision.Deliver) decision;
                return new Route.Negotiate(mx, yes.config(), yes.failureFinal() ? Optional.empty() : Optional.of(may(mx)), policy,
                        "MTA-STS " + found.policy().mode().text() + ": STARTTLS required, TLS 1.2+, certificate valid for " + mx.host()
                                + (found.report() == null ? "" : " (the cached policy: fetching it anew failed)"),
                        found.report());
            }
            MxDecision.WithoutPolicy without = (MxDecision.WithoutPolicy) decision;
            return new Route.Negotiate(mx, may(mx), Optional.empty(), policy, "MTA-STS: " + without.why() + "; opportunistic TLS",
                    without.report());
        }
        ResultType report = sts instanceof StsLookup.NotFound notFound ? notFound.report() : null;
        return new Route.Negotiate(mx, may(mx), Optional.empty(), AppliedPolicy.none(domain),
                "no policy: opportunistic TLS (Postfix may)", report);
    }

    /** An MX record whose target is the root, "." (RFC 7505 §3: the domain accepts no mail). */
    private static boolean isNullMx(MxHost host) {
        return host.host().equals(".") || host.host().isEmpty();
    }

    /** Postfix's {@code may}: STARTTLS when offered, plaintext otherwise, the certificate not judged. */
    private ClientConfig may(MxHost mx) {
        // copied from a built config, so that the sender's trust anchors may stay, unused (see Dane.decide)
        return sender.apply(ClientConfig.builder(mx.host())).build().toBuilder().serverName(mx.host()).policy(TlsPolicy.OPPORTUNISTIC)
                .certificateCheck(CertificateCheck.dangerouslyAcceptAny()).build();
    }

    private Optional<TlsRptRecord> tlsRpt(String domain) {
        DnsAnswer<String> txt = dns.txt("_smtp._tls." + domain);
        if (!(txt instanceof DnsAnswer.Found<String> found)) {
            return Optional.empty();
        }
        return TlsRptRecord.select(found.values()).valid();
    }
}
