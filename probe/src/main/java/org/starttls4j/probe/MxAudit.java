package org.starttls4j.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Timeouts;
import org.starttls4j.dane.AddressLookup;
import org.starttls4j.dane.Dane;
import org.starttls4j.dane.DaneDecision;
import org.starttls4j.dane.DaneLevel;
import org.starttls4j.dane.TlsaBase;
import org.starttls4j.dane.TlsaLookup;
import org.starttls4j.mtasts.MtaSts;
import org.starttls4j.mtasts.MxDecision;
import org.starttls4j.mtasts.StsMode;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.mtasts.StsProblem;
import org.starttls4j.mtasts.StsRecord;
import org.starttls4j.resolvers.DnsAnswer;
import org.starttls4j.resolvers.DnssecResolver;
import org.starttls4j.resolvers.MtaStsFetcher;
import org.starttls4j.resolvers.MxHost;
import org.starttls4j.text.Parsed;
import org.starttls4j.tlsrpt.ResultType;
import org.starttls4j.tlsrpt.TlsRptProblem;
import org.starttls4j.tlsrpt.TlsRptRecord;

/**
 * {@code audit smtp://example.org --mx}: the checks a domain owner wants of its inbound mail
 * security, each PASS, WARN or FAIL.
 *
 * <pre>
 * check                  how
 * MX records             the MX lookup, and whether DNSSEC signs it (DANE needs that)
 * TLS-RPT record         _smtp._tls: one valid record with mailto:/https: addresses
 * MTA-STS record/policy  _mta-sts and the policy file over HTTPS, as a sender fetches it
 * MTA-STS lists MX       every MX host matches a pattern of the policy
 * TLSA &lt;host&gt;            the TLSA records of each MX host, and a negotiation that holds the served
 *                        certificate against them
 * MTA-STS &lt;host&gt;         a negotiation under the policy: STARTTLS, TLS 1.2+, a Web PKI certificate for the host
 * </pre>
 */
final class MxAudit {

    /** MX hosts beyond this many are not negotiated with (a domain owner's list is short). */
    static final int MAX_HOSTS = 10;

    private final Target target;
    private final ClientSettings settings;
    private final MxOptions options;
    private final DnssecResolver dns;
    private final List<Audit.Check> checks = new ArrayList<>();

    private MxAudit(Target target, ClientSettings settings, MxOptions options) {
        this.target = target;
        this.settings = settings;
        this.options = options;
        this.dns = DnssecResolver.create(options.dnsAddress(), options.trustAnchors(), Clock.systemUTC(), settings.timeout());
    }

    static Audit.Report run(Target target, ClientSettings settings, MxOptions options) {
        options.check(target);
        Instant started = Instant.now();
        MxAudit audit = new MxAudit(target, settings, options);
        audit.all();
        return new Audit.Report(target, settings.adapter().lowerName(), audit.checks, started, Instant.now());
    }

    private void add(String name, Audit.Verdict verdict, String reason) {
        checks.add(new Audit.Check(name, verdict, reason));
    }

    private void all() {
        String domain = target.host();
        List<MxHost> hosts = mxHosts(domain);
        tlsRpt(domain);
        Optional<StsPolicy> policy = mtaSts(domain, hosts);
        for (MxHost host : hosts.subList(0, Math.min(hosts.size(), MAX_HOSTS))) {
            Optional<InetSocketAddress> address = address(host);
            if (address.isEmpty()) {
                continue;
            }
            tlsa(host, address.get());
            policy.ifPresent(p -> mtaStsSession(p, host, address.get()));
        }
    }

    private List<MxHost> mxHosts(String domain) {
        DnsAnswer<MxHost> mx = dns.mx(domain);
        if (mx instanceof DnsAnswer.Failed<MxHost> failed) {
            add("MX records", Audit.Verdict.FAIL, "lookup failed: " + failed.why());
            return List.of();
        }
        if (mx instanceof DnsAnswer.None) {
            add("MX records", Audit.Verdict.WARN, "none: senders deliver to " + domain + " itself");
            return List.of(new MxHost(0, domain));
        }
        DnsAnswer.Found<MxHost> found = (DnsAnswer.Found<MxHost>) mx;
        add("MX records", Audit.Verdict.PASS, found.values().stream().map(h -> h.host() + " (" + h.preference() + ")")
                .collect(Collectors.joining(", ")));
        add("DNSSEC", found.secure() ? Audit.Verdict.PASS : Audit.Verdict.WARN, found.secure()
                ? "the MX records are signed and validate" : "the MX records are not DNSSEC-signed: DANE cannot protect"
                + " the choice of MX host (senders may still use the MX hosts' TLSA records, RFC 7672 §2.2.1)");
        return found.values();
    }

    private void tlsRpt(String domain) {
        DnsAnswer<String> txt = dns.txt("_smtp._tls." + domain);
        if (txt instanceof DnsAnswer.Failed<String> failed) {
            add("TLS-RPT record", Audit.Verdict.FAIL, "lookup failed: " + failed.why());
            return;
        }
        if (!(txt instanceof DnsAnswer.Found<String> found)) {
            add("TLS-RPT record", Audit.Verdict.WARN, "none: senders cannot report TLS failures to you (RFC 8460)");
            return;
        }
        Parsed<TlsRptRecord, TlsRptProblem> record = TlsRptRecord.select(found.values());
        if (record instanceof Parsed.Invalid<TlsRptRecord, TlsRptProblem> bad) {
            add("TLS-RPT record", bad.problem() == TlsRptProblem.NO_RECORD ? Audit.Verdict.WARN : Audit.Verdict.FAIL,
                    bad.problem() + ": " + bad.detail());
            return;
        }
        add("TLS-RPT record", Audit.Verdict.PASS, "reports to " + record.valid().orElseThrow().rua());
    }

    private Optional<StsPolicy> mtaSts(String domain, List<MxHost> hosts) {
        DnsAnswer<String> txt = dns.txt("_mta-sts." + domain);
        Parsed<StsRecord, StsProblem> record = txt instanceof DnsAnswer.Found<String> found
                ? StsRecord.select(found.values())
                : Parsed.invalid(StsProblem.NO_RECORD, "no record");
        if (record instanceof Parsed.Invalid<StsRecord, StsProblem> bad) {
            add("MTA-STS record", bad.problem() == StsProblem.NO_RECORD ? Audit.Verdict.WARN : Audit.Verdict.FAIL,
                    bad.problem() == StsProblem.NO_RECORD ? "none: MTA-STS does not protect this domain" : bad.problem() + ": " + bad.detail());
            return Optional.empty();
        }
        add("MTA-STS record", Audit.Verdict.PASS, "id " + record.valid().orElseThrow().id());
        MtaStsFetcher.Builder fetcher = MtaStsFetcher.builder().timeout(settings.timeout()).port(options.mtaStsPort);
        if (!settings.trust().isEmpty()) {
            fetcher.sslContext(MxProbe.trusting(settings));
        }
        Parsed<StsPolicy, ResultType> fetch = fetcher.build().fetch(domain);
        if (fetch instanceof Parsed.Invalid<StsPolicy, ResultType> failed) {
            add("MTA-STS policy", Audit.Verdict.FAIL, failed.problem().wireName() + ": " + failed.detail());
            return Optional.empty();
        }
        StsPolicy policy = fetch.valid().orElseThrow();
        add("MTA-STS policy", policy.mode() == StsMode.ENFORCE ? Audit.Verdict.PASS : Audit.Verdict.WARN,
                "mode " + policy.mode().text() + ", max_age " + policy.maxAge().getSeconds() + " s"
                        + (policy.mode() == StsMode.ENFORCE ? "" : " (senders do not enforce it)"));
        List<String> unlisted = hosts.stream().filter(h -> !policy.allows(h.host())).map(MxHost::host).collect(Collectors.toList());
        if (policy.mode() != StsMode.NONE) {
            add("MTA-STS lists MX", unlisted.isEmpty() ? Audit.Verdict.PASS
                    : policy.mode() == StsMode.ENFORCE ? Audit.Verdict.FAIL : Audit.Verdict.WARN,
                    unlisted.isEmpty() ? "every MX host matches " + policy.mx()
                            : "not in the policy " + policy.mx() + ": " + String.join(", ", unlisted)
                                    + (policy.mode() == StsMode.ENFORCE ? " (senders will not deliver there)" : ""));
        }
        return Optional.of(policy);
    }

    private Optional<InetSocketAddress> address(MxHost host) {
        DnsAnswer<InetAddress> addresses = dns.addresses(host.host());
        if (!(addresses instanceof DnsAnswer.Found<InetAddress> found)) {
            add("address " + host.host(), Audit.Verdict.FAIL, "no A or AAAA record"
                    + (addresses instanceof DnsAnswer.Failed<InetAddress> failed ? ": " + failed.why() : ""));
            return Optional.empty();
        }
        return Optional.of(new InetSocketAddress(found.values().get(0), target.port()));
    }

    private void tlsa(MxHost host, InetSocketAddress address) {
        String name = "TLSA " + host.host();
        TlsaBase base = dns.tlsaBase(host.host(), target.port());
        TlsaLookup lookup = base.lookup();
        String at = base.domain().equals(host.host()) ? "" : " (at the CNAME target " + base.domain() + ")";
        if (lookup instanceof TlsaLookup.Insecure) {
            if (base.domain().equals(host.host()) && dns.addressLookup(host.host()) instanceof AddressLookup.Insecure) {
                add(name, Audit.Verdict.WARN, "the A/AAAA records are not DNSSEC-signed: senders ignore any TLSA records"
                        + " of this host (RFC 7672 §2.2.2)");
            }
            return; // otherwise the DNSSEC check already says why DANE cannot apply
        }
        if (lookup instanceof TlsaLookup.SecureNone) {
            add(name, Audit.Verdict.WARN, "no TLSA records: DANE does not protect this host");
            return;
        }
        DaneDecision decision = Dane.decide(base, DaneLevel.DANE_ONLY, sender());
        if (decision instanceof DaneDecision.DoNotDeliver) {
            DaneDecision.DoNotDeliver no = (DaneDecision.DoNotDeliver) decision;
            add(name, Audit.Verdict.FAIL, no.report().wireName() + ": " + no.why()
                    + (lookup instanceof TlsaLookup.Secure ? " (PKIX-TA/PKIX-EE are unusable for SMTP, RFC 7672 §3.1.3)" : ""));
            return;
        }
        session(name, ((DaneDecision.Deliver) decision).config(), address, "the served certificate matches the TLSA records" + at);
    }

    private void mtaStsSession(StsPolicy policy, MxHost host, InetSocketAddress address) {
        MxDecision decision = MtaSts.decide(policy, host.host(), sender());
        if (decision instanceof MxDecision.Deliver) {
            session("MTA-STS " + host.host(), ((MxDecision.Deliver) decision).config(), address,
                    "STARTTLS, and a certificate valid for " + host.host());
        }
    }

    private void session(String name, ClientConfig config, InetSocketAddress address, String passed) {
        try {
            Adapter.Run run = settings.adapter().connect(address, config, Protocol.SMTP, settings.timeout());
            Optional<Event.Failed> failed = run.events().stream().filter(e -> e instanceof Event.Failed)
                    .map(e -> (Event.Failed) e).findFirst();
            if (failed.isPresent()) {
                add(name, Audit.Verdict.FAIL, Words.failure(failed.get().failure()));
            } else {
                add(name, Audit.Verdict.PASS, passed);
            }
        } catch (UnreachableException e) {
            add(name, Audit.Verdict.FAIL, "unreachable: " + e.getMessage());
        }
    }

    private UnaryOperator<ClientConfig.Builder> sender() {
        return b -> {
            b.clientName(settings.ehlo()).tlsFloor(settings.tlsMin()).timeouts(Timeouts.of(settings.timeout()));
            return settings.trust().isEmpty() ? b : b.trustAnchors(settings.trust());
        };
    }
}
