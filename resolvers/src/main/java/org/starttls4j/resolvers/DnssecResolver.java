package org.starttls4j.resolvers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.starttls4j.dane.AddressLookup;
import org.starttls4j.dane.CnameChain;
import org.starttls4j.dane.Dane;
import org.starttls4j.dane.Tlsa;
import org.starttls4j.dane.TlsaBase;
import org.starttls4j.dane.TlsaLookup;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * MX, TXT and TLSA lookups whose DNSSEC status is computed here.
 *
 * <p><b>Why validate locally.</b> DANE is only as strong as the proof that the TLSA records are
 * the domain's. A stub resolver that trusts the AD ("authenticated data") bit of its upstream
 * trusts every network path to that upstream: anyone on it can set the bit on a forged answer.
 * This resolver instead sends its queries through dnsjava's {@link ValidatingResolver}, which asks
 * the upstream for the RRSIG, DNSKEY, DS and NSEC/NSEC3 records itself (with the CD bit, so the
 * upstream's own validation cannot hide a bogus answer) and checks the chain of signatures from
 * the configured trust anchor (the root's KSK in production, a test zone's key in tests) down to
 * the answer. "Secure" below means this chain was checked here; the upstream's AD bit is ignored.
 * An upstream on the same host (a local unbound, say) is still the recommended setup, for its
 * cache and because it reaches the authoritative servers itself.
 *
 * <p>Answers: {@link DnsAnswer.Found} with {@code secure} true when validated, false when the
 * zone is unsigned (or below an insecure delegation, or not covered by any trust anchor);
 * {@link DnsAnswer.Failed} when validation failed (bogus) or the upstream failed. The caller must
 * treat a failure as "unknown", never as "absent": RFC 7672 §2.2.
 */
public final class DnssecResolver {

    /** CNAME links followed at most; Postfix and the C library stop at a similar depth. */
    public static final int MAX_CNAMES = 8;

    private final ValidatingResolver resolver;

    private DnssecResolver(ValidatingResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * A resolver asking {@code upstream} and validating against {@code trustAnchors}.
     *
     * @param upstream     a recursive resolver (or, in tests, the authoritative server of the zone)
     * @param trustAnchors DS or DNSKEY records in zone file format, e.g. the root zone's
     *                     {@code . IN DS 20326 8 2 E06D...} from IANA's root-anchors
     * @param clock        the clock signatures' validity periods are checked against
     * @param timeout      how long one query may take, retries included
     * @return the resolver
     * @throws IllegalArgumentException if the trust anchors cannot be read
     */
    public static DnssecResolver create(InetSocketAddress upstream, String trustAnchors, Clock clock, Duration timeout) {
        SimpleResolver head = new SimpleResolver(upstream);
        head.setTimeout(timeout);
        ValidatingResolver validating = new ValidatingResolver(head, clock);
        validating.setTimeout(timeout);
        try {
            validating.loadTrustAnchors(new ByteArrayInputStream(trustAnchors.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the trust anchors: " + e.getMessage(), e);
        }
        if (validating.getTrustAnchors().items().isEmpty()) {
            throw new IllegalArgumentException("no trust anchor in " + trustAnchors.length() + " characters");
        }
        return new DnssecResolver(validating);
    }

    /**
     * The MX hosts of a domain, lowest preference first.
     *
     * @param domain the recipient domain
     * @return the hosts, none, or a failure
     */
    public DnsAnswer<MxHost> mx(String domain) {
        DnsAnswer<MxHost> answer = query(domain, Type.MX, r -> new MxHost(((MXRecord) r).getPriority(), text(((MXRecord) r).getTarget())));
        if (answer instanceof DnsAnswer.Found<MxHost> found) {
            List<MxHost> sorted = new ArrayList<>(found.values());
            sorted.sort(Comparator.comparingInt(MxHost::preference));
            return new DnsAnswer.Found<>(sorted, found.secure());
        }
        return answer;
    }

    /**
     * The IPv4 and IPv6 addresses of a host (A, then AAAA records).
     *
     * @param host the host name
     * @return the addresses (secure only when both lookups were), none, or a failure
     */
    public DnsAnswer<InetAddress> addresses(String host) {
        DnsAnswer<InetAddress> v4 = query(host, Type.A, r -> ((ARecord) r).getAddress());
        DnsAnswer<InetAddress> v6 = query(host, Type.AAAA, r -> ((AAAARecord) r).getAddress());
        if (v4 instanceof DnsAnswer.Failed && !(v6 instanceof DnsAnswer.Found)) {
            return v4;
        }
        List<InetAddress> all = new ArrayList<>();
        boolean secure = true;
        for (DnsAnswer<InetAddress> a : List.of(v4, v6)) {
            if (a instanceof DnsAnswer.Found<InetAddress> found) {
                all.addAll(found.values());
                secure &= found.secure();
            } else if (a instanceof DnsAnswer.None<InetAddress> none) {
                secure &= none.secure();
            } else {
                secure = false;
            }
        }
        return all.isEmpty() ? new DnsAnswer.None<>(secure) : new DnsAnswer.Found<>(all, secure);
    }

    /**
     * The DNSSEC status of a host's address records, CNAME expansion included (the validator
     * follows the chain, and an answer reached through an insecure link is insecure), for the rule
     * of RFC 7672 §2.2.2 that TLSA records count only for a host whose addresses are secure
     * ({@link Dane#tlsaBase(CnameChain, AddressLookup, Function)}).
     *
     * <p>Secure when the A or the AAAA answer (records or a proven absence) validated: a host whose
     * one family validates is a DANE host, even if the other family's lookup fails, since many
     * signed zones answer one family badly. Otherwise a failed lookup (bogus, SERVFAIL, timeout) is
     * {@link AddressLookup.Failed}, never {@link AddressLookup.Insecure}: an attacker who can make a
     * lookup fail must not turn DANE off.
     *
     * @param host the MX host name
     * @return secure, insecure, or failed
     */
    public AddressLookup addressLookup(String host) {
        List<DnsAnswer<InetAddress>> answers = List.of(query(host, Type.A, r -> ((ARecord) r).getAddress()),
                query(host, Type.AAAA, r -> ((AAAARecord) r).getAddress()));
        List<String> failures = new ArrayList<>();
        for (DnsAnswer<InetAddress> a : answers) {
            if (a instanceof DnsAnswer.Found<InetAddress> found && found.secure()
                    || a instanceof DnsAnswer.None<InetAddress> none && none.secure()) {
                return new AddressLookup.Secure();
            }
            if (a instanceof DnsAnswer.Failed<InetAddress> failed) {
                failures.add(failed.why());
            }
        }
        return failures.isEmpty() ? new AddressLookup.Insecure() : new AddressLookup.Failed(String.join("; ", failures));
    }

    /**
     * The TXT records at a name, each record's strings joined without separators (as RFC 8461
     * and RFC 8460 read them).
     *
     * @param name the owner name, e.g. {@code _mta-sts.example.com}
     * @return the records, none, or a failure
     */
    public DnsAnswer<String> txt(String name) {
        return query(name, Type.TXT, r -> {
            StringBuilder s = new StringBuilder();
            for (Object part : ((TXTRecord) r).getStringsAsByteArrays()) {
                s.append(new String((byte[]) part, StandardCharsets.ISO_8859_1));
            }
            return s.toString();
        });
    }

    /**
     * The TLSA records of an SMTP server, {@code _<port>._tcp.<host>}, in the form the core's
     * {@link org.starttls4j.dane.Dane#decide} takes. Records that are not well-formed TLSA data are
     * left out (an RRset left empty by that is secure and unusable).
     *
     * @param host the TLSA base domain (the MX host name)
     * @param port 25 for SMTP
     * @return the lookup's outcome
     */
    public TlsaLookup tlsa(String host, int port) {
        DnsAnswer<Object> answer = query("_" + port + "._tcp." + host, Type.TLSA,
                r -> Tlsa.parseRdata(r.rdataToWireCanonical()).valid().<Object>map(t -> t).orElse("malformed"));
        if (answer instanceof DnsAnswer.Failed<Object> failed) {
            return new TlsaLookup.Failed(failed.why());
        }
        if (answer instanceof DnsAnswer.None<Object> none) {
            return none.secure() ? new TlsaLookup.SecureNone() : new TlsaLookup.Insecure();
        }
        DnsAnswer.Found<Object> found = (DnsAnswer.Found<Object>) answer;
        if (!found.secure()) {
            return new TlsaLookup.Insecure();
        }
        List<Tlsa> records = new ArrayList<>();
        for (Object value : found.values()) {
            if (value instanceof Tlsa tlsa) {
                records.add(tlsa);
            }
        }
        return new TlsaLookup.Secure(records);
    }

    /**
     * The CNAME chain of a host name (RFC 7672 §2.2.2), asked one link at a time so that each
     * link's DNSSEC status is known: the chain is secure only if every CNAME record was validated.
     *
     * @param host the MX host name
     * @return the chain in a one-element {@link DnsAnswer.Found} (secure as the chain is), or a
     *         failure: a lookup failed, the chain loops, or it is longer than {@link #MAX_CNAMES}
     */
    public DnsAnswer<CnameChain> cnameChain(String host) {
        List<String> targets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String name = CnameChain.none(host).original();
        seen.add(name);
        boolean secure = true;
        while (true) {
            DnsAnswer<String> link = query(name, Type.CNAME, r -> text(((CNAMERecord) r).getTarget()));
            if (link instanceof DnsAnswer.Failed<String> failed) {
                return new DnsAnswer.Failed<>("CNAME of " + name + ": " + failed.why());
            }
            if (link instanceof DnsAnswer.None) {
                CnameChain chain = new CnameChain(host, targets, secure);
                return new DnsAnswer.Found<>(List.of(chain), secure);
            }
            DnsAnswer.Found<String> found = (DnsAnswer.Found<String>) link;
            name = found.values().get(0);
            secure &= found.secure();
            if (!seen.add(name)) {
                return new DnsAnswer.Failed<>("the CNAME chain of " + host + " loops at " + name);
            }
            if (targets.size() == MAX_CNAMES) {
                return new DnsAnswer.Failed<>("the CNAME chain of " + host + " is longer than " + MAX_CNAMES);
            }
            targets.add(name);
        }
    }

    /**
     * The TLSA base domain of an MX host and its TLSA lookup, CNAME expansion included: the host's
     * {@linkplain #cnameChain CNAME chain} and the DNSSEC status of its {@linkplain #addressLookup
     * address records}, then {@link Dane#tlsaBase(CnameChain, AddressLookup, Function)}: no TLSA
     * query for a host that is no alias and whose addresses are insecure, and otherwise the choice
     * between the expanded and the original name (RFC 7672 §2.2.2). A failed CNAME or address lookup
     * is a failed TLSA lookup: the host must not be used under DANE, since an attacker can cause the
     * failure.
     *
     * @param host the MX host name
     * @param port 25 for SMTP
     * @return the base domain, its lookup and the reference identifiers
     */
    public TlsaBase tlsaBase(String host, int port) {
        DnsAnswer<CnameChain> chain = cnameChain(host);
        if (chain instanceof DnsAnswer.Failed<CnameChain> failed) {
            String name = CnameChain.none(host).original();
            return new TlsaBase(name, new TlsaLookup.Failed(failed.why()), Set.of(name));
        }
        return Dane.tlsaBase(((DnsAnswer.Found<CnameChain>) chain).values().get(0), addressLookup(host), name -> tlsa(name, port));
    }

    private <T> DnsAnswer<T> query(String name, int type, Function<Record, T> convert) {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new DnsAnswer.Failed<>("not a domain name: " + e.getMessage());
        }
        Message response;
        try {
            response = resolver.send(Message.newQuery(Record.newRecord(qname, type, DClass.IN)));
        } catch (IOException | RuntimeException e) {
            return new DnsAnswer.Failed<>("no answer for " + name + "/" + Type.string(type) + ": " + e);
        }
        boolean secure = response.getHeader().getFlag(Flags.AD);
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return new DnsAnswer.None<>(secure, true);
        }
        if (rcode != Rcode.NOERROR) {
            return new DnsAnswer.Failed<>(Rcode.string(rcode) + " for " + name + "/" + Type.string(type) + reason(response));
        }
        List<T> values = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == type) {
                values.add(convert.apply(r));
            }
        }
        return values.isEmpty() ? new DnsAnswer.None<>(secure) : new DnsAnswer.Found<>(values, secure);
    }

    /** The validator's explanation of a bogus answer, which it puts in the additional section. */
    private static String reason(Message response) {
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS && r instanceof TXTRecord) {
                return ": " + String.join(" ", ((TXTRecord) r).getStrings());
            }
        }
        return "";
    }

    private static String text(Name name) {
        String s = name.toString(true);
        return s.toLowerCase(Locale.ROOT);
    }
}
