package org.starttls4j.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.starttls4j.Capabilities;
import org.starttls4j.CertificateProblem;
import org.starttls4j.CertificateStrength;
import org.starttls4j.Certificates;
import org.starttls4j.TlsFacts;
import org.starttls4j.Failure;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testkit.checks.CheckResult;
import org.starttls4j.testkit.checks.ServerCheck;
import org.starttls4j.testkit.checks.ServerChecks;

/**
 * The active checks of {@code starttls4j audit}, each ending in PASS, WARN or FAIL with a
 * one-line reason.
 *
 * <pre>
 * check                    how
 * STARTTLS offered         a negotiation (opportunistic, any certificate): announced? accepted?
 * TLS 1.0 … TLS 1.3        one handshake per version, offering only that version (BouncyCastle)
 * certificate trusted      a negotiation that verifies as the options say (JDK trust store by default)
 * certificate name         the same negotiation's verdict, or RFC 6125 matching when the chain failed
 * certificate expiry       days left on the leaf certificate
 * certificate strength     key type and size and signature algorithm of each certificate sent, against the
 *                          floor a starttls4j client holds verified chains to (RSA 2048, EC 256, no SHA-1/MD5)
 * login before TLS         the capabilities announced in plaintext (AUTH, AUTH=…, LOGINDISABLED, USER, SASL)
 * commands before TLS      the test kit's COMMANDS_BEFORE_TLS: SMTP MAIL, SASL (each mechanism announced), IMAP LOGIN, POP3 USER, …
 * command injection        the test kit's COMMAND_INJECTION: STARTTLS and a harmless command in one write, then TLS
 * second STARTTLS          the test kit's SECOND_STARTTLS: STARTTLS again inside TLS must be refused
 * over-long line           the test kit's OVER_LONG_LINE: a command line of 1 MiB should be refused or closed (answered: WARN)
 * renegotiation            with --load-checks, the test kit's RENEGOTIATION: a client-initiated TLS 1.2 renegotiation
 * amplification            with --load-checks, the test kit's AMPLIFICATION: 4,096 junk commands, bytes out per byte in
 * idle connections         with --load-checks, the test kit's IDLE_CONNECTIONS: 20 silent connections, then a fresh one
 * </pre>
 *
 * <p>Every check of the kit that a STARTTLS target allows runs; the resource checks only when asked
 * ({@code --load-checks}), since they open many connections to the server and hold them.
 */
final class Audit {

    /** A check's verdict. */
    enum Verdict {
        /** As it should be. */
        PASS,
        /** Worth an operator's attention. */
        WARN,
        /** Wrong. */
        FAIL
    }

    /**
     * One check.
     *
     * @param name    what was checked
     * @param verdict the verdict
     * @param reason  why, in one line
     */
    record Check(String name, Verdict verdict, String reason) {
    }

    /**
     * All checks of one audit.
     *
     * @param target   what was audited
     * @param adapter  the adapter of the negotiations
     * @param checks   the checks, in the order they ran
     * @param started  when the audit began
     * @param finished when it ended
     */
    record Report(Target target, String adapter, List<Check> checks, Instant started, Instant finished) {

        /** Copies the checks. */
        Report {
            checks = List.copyOf(checks);
        }

        long count(Verdict v) {
            return checks.stream().filter(c -> c.verdict() == v).count();
        }

        /** The worst verdict. */
        Verdict overall() {
            return count(Verdict.FAIL) > 0 ? Verdict.FAIL : count(Verdict.WARN) > 0 ? Verdict.WARN : Verdict.PASS;
        }
    }

    private static final List<String> VERSIONS = List.of("1.0", "1.1", "1.2", "1.3");

    private final Target target;
    private final ClientSettings settings;
    private final InetSocketAddress address;
    private final Optional<Duration> idleLimit;
    private final List<Check> checks = new ArrayList<>();

    private Audit(Target target, ClientSettings settings, InetSocketAddress address, Optional<Duration> idleLimit) {
        this.target = target;
        this.settings = settings;
        this.address = address;
        this.idleLimit = idleLimit;
    }

    /**
     * Runs every check that applies to {@code target}; with an {@code idleLimit} also the kit's
     * resource checks (renegotiation, amplification, idle connections, which must be closed
     * within that limit).
     *
     * @throws UnreachableException when the server cannot be reached at all
     */
    static Report run(Target target, ClientSettings settings, Optional<Duration> idleLimit) throws UnreachableException {
        Instant started = Instant.now();
        Audit audit = new Audit(target, settings, Prober.resolve(target), idleLimit);
        audit.all();
        return new Report(target, settings.adapter().lowerName(), audit.checks, started, Instant.now());
    }

    private void add(String name, Verdict verdict, String reason) {
        checks.add(new Check(name, verdict, reason));
    }

    private void all() throws UnreachableException {
        Protocol protocol = target.protocol();
        String word = protocol.startTlsWord();
        // 1. An opportunistic negotiation that accepts any certificate: what is offered, and whether TLS comes up.
        ProbeResult look = Prober.probe(target, settings.insecureCopy().withPolicy(TlsPolicy.OPPORTUNISTIC));
        Optional<Capabilities> before = look.capabilitiesBeforeTls();
        if (!target.implicit()) {
            startTlsOffered(look, word, before);
        }
        if (target.implicit() || look.startTlsAccepted()) {
            if (look.tls().isPresent()) {
                add("TLS handshake", Verdict.PASS, look.tls().get().protocol() + ", " + look.tls().get().cipherSuite());
            } else {
                add("TLS handshake", Verdict.FAIL, "failed with a TLS " + settings.tlsMin().jsseName().substring(4)
                        + " floor: " + look.failure().map(Words::failure).orElse("no outcome"));
            }
            List<X509Certificate> seen = tlsVersions();
            certificate(look, seen);
            strength(look.tls().map(TlsFacts::peerCertificates).filter(c -> !c.isEmpty()).orElse(seen));
        }
        if (!target.implicit()) {
            loginBeforeTls(before);
            commandsBeforeTls();
            afterGoAhead(look, "command injection", ServerCheck.COMMAND_INJECTION);
            afterGoAhead(look, "second " + word, ServerCheck.SECOND_STARTTLS);
            add("over-long line", kitCheck(ServerCheck.OVER_LONG_LINE));
            if (idleLimit.isPresent()) {
                afterGoAhead(look, "renegotiation", ServerCheck.RENEGOTIATION);
                add("amplification", kitCheck(ServerCheck.AMPLIFICATION));
                add("idle connections", kitCheck(ServerCheck.IDLE_CONNECTIONS));
            }
        }
    }

    /**
     * A kit check that needs TLS to have come up: not tested when the opportunistic look got no
     * go-ahead. COMMAND_INJECTION sends STARTTLS and a harmless command in one write, then TLS
     * (without judging the certificate), then the goodbye inside TLS; any answer to the harmless
     * command there means the server kept plaintext that arrived before TLS and acted on it inside
     * TLS (the CVE-2011-0411 family). SECOND_STARTTLS asks again inside TLS; RENEGOTIATION asks for
     * a TLS 1.2 renegotiation.
     */
    private void afterGoAhead(ProbeResult look, String name, ServerCheck check) {
        if (look.startTlsAccepted()) {
            add(name, kitCheck(check));
        } else {
            add(name, Verdict.WARN, "not tested: " + target.protocol().startTlsWord() + " never got a go-ahead");
        }
    }

    // ------------------------------------------------------------------ STARTTLS

    private void startTlsOffered(ProbeResult look, String word, Optional<Capabilities> before) {
        boolean announced = before.map(c -> c.has(word)).orElse(false);
        if (look.startTlsAccepted()) {
            add(word + " offered", announced ? Verdict.PASS : Verdict.WARN, announced
                    ? "announced before TLS and accepted"
                    : "accepted, but not announced in the capabilities");
            return;
        }
        Optional<Failure> cause = look.fallbackCause().or(look::failure);
        String why = cause.map(Words::failure).orElse("no negotiation");
        if (cause.isPresent() && cause.get().reason() == Failure.Reason.STARTTLS_NOT_OFFERED) {
            add(word + " offered", Verdict.FAIL, word + " not announced: mail to and from this server travels in plaintext");
        } else {
            add(word + " offered", Verdict.FAIL, why);
        }
    }

    // ------------------------------------------------------------------ TLS versions

    /** Tries each version alone; returns the certificate chain any accepted handshake showed. */
    private List<X509Certificate> tlsVersions() throws UnreachableException {
        List<X509Certificate> seen = List.of();
        String name = settings.nameFor(target);
        boolean[] accepted = new boolean[VERSIONS.size()];
        String[] how = new String[VERSIONS.size()];
        boolean[] tried = new boolean[VERSIONS.size()];
        for (int i = 0; i < VERSIONS.size(); i++) {
            TlsVersionProbe.Result r = TlsVersionProbe.attempt(target, address, name, settings.ehlo(), VERSIONS.get(i),
                    settings.timeout());
            tried[i] = !(r instanceof TlsVersionProbe.NotTried);
            accepted[i] = r instanceof TlsVersionProbe.Accepted;
            if (r instanceof TlsVersionProbe.Accepted a && seen.isEmpty()) {
                seen = a.chain();
            }
            how[i] = r instanceof TlsVersionProbe.Refused refused ? refused.how()
                    : r instanceof TlsVersionProbe.NotTried not ? not.why() : "accepted";
        }
        for (int i = 0; i < VERSIONS.size(); i++) {
            String check = "TLS " + VERSIONS.get(i);
            if (!tried[i]) {
                add(check, Verdict.WARN, "not tested: " + how[i]);
            } else if (i < 2) {
                add(check, accepted[i] ? Verdict.WARN : Verdict.PASS, accepted[i]
                        ? "accepted; TLS " + VERSIONS.get(i) + " is deprecated (RFC 8996)"
                        : "refused (" + how[i] + ")");
            } else if (i == 2) {
                add(check, accepted[i] || accepted[3] ? Verdict.PASS : Verdict.FAIL, accepted[i] ? "accepted"
                        : accepted[3] ? "refused; TLS 1.3 only (" + how[i] + ")" : "refused (" + how[i] + ")");
            } else {
                add(check, accepted[i] ? Verdict.PASS : Verdict.WARN, accepted[i] ? "accepted"
                        : "not supported (" + how[i] + ")");
            }
        }
        return seen;
    }

    // ------------------------------------------------------------------ certificate

    private void certificate(ProbeResult look, List<X509Certificate> seen) throws UnreachableException {
        Optional<X509Certificate> leaf = look.leaf().or(() -> seen.stream().findFirst());
        String name = settings.nameFor(target);
        if (settings.insecure()) {
            add("certificate trusted", Verdict.WARN, "not checked (--insecure)");
            add("certificate name", Verdict.WARN, "not checked (--insecure)");
        } else {
            ProbeResult verified = Prober.probe(target, settings.withPolicy(
                    settings.policy() == TlsPolicy.OPPORTUNISTIC ? TlsPolicy.REQUIRED : settings.policy()));
            Optional<Failure> failure = verified.failure();
            Optional<CertificateProblem> problem = failure.flatMap(Failure::certificateProblem);
            boolean chainChecked = !settings.verificationWords(target).startsWith("SHA-256 pin only");
            if (verified.tls().isPresent()) {
                add("certificate trusted", Verdict.PASS, "verified: " + settings.verificationWords(target));
                if (chainChecked) {
                    add("certificate name", Verdict.PASS, "names " + name);
                } else {
                    nameOffline(leaf, name);
                }
            } else if (problem.isPresent()) {
                switch (problem.get()) {
                    case HOST_MISMATCH -> {
                        add("certificate trusted", Verdict.PASS, "the chain verifies (" + settings.verificationWords(target) + ")");
                        add("certificate name", Verdict.FAIL, "does not name " + name + namesOf(leaf));
                    }
                    case PIN_MISMATCH -> {
                        add("certificate trusted", Verdict.FAIL, "not the pinned certificate (sha256 "
                                + leaf.map(org.starttls4j.TlsFacts::sha256).orElse("unknown") + ")");
                        nameOffline(leaf, name);
                    }
                    default -> {
                        add("certificate trusted", Verdict.FAIL, Words.problem(problem.get().name())
                                + failure.map(f -> ": " + f.message()).orElse(""));
                        nameOffline(leaf, name);
                    }
                }
            } else {
                add("certificate trusted", Verdict.WARN, "not judged: " + failure.map(Words::failure).orElse("no outcome"));
                nameOffline(leaf, name);
            }
        }
        if (leaf.isEmpty()) {
            add("certificate expiry", Verdict.FAIL, "the server sent no certificate");
            return;
        }
        long days = Duration.between(Instant.now(), leaf.get().getNotAfter().toInstant()).toDays();
        String date = leaf.get().getNotAfter().toInstant().toString().substring(0, 10);
        if (days < 0) {
            add("certificate expiry", Verdict.FAIL, "expired " + Words.plural(-days, "day") + " ago (" + date + ")");
        } else if (days <= Words.EXPIRY_WARNING_DAYS) {
            add("certificate expiry", Verdict.WARN, "certificate expires in " + Words.plural(days, "day") + " (" + date + ")");
        } else {
            add("certificate expiry", Verdict.PASS, "expires in " + Words.plural(days, "day") + " (" + date + ")");
        }
    }

    /**
     * Each certificate's key and signature, and whether the chain meets the floor a starttls4j
     * client applies by default ({@link CertificateStrength#DEFAULT}); a self-issued root's own
     * signature proves nothing and is not judged.
     */
    private void strength(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            add("certificate strength", Verdict.FAIL, "the server sent no certificate");
            return;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            parts.add((i == 0 ? "leaf " : "CA ") + Certificates.describeKey(c.getPublicKey())
                    + (c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) ? ", self-signed" : ", " + c.getSigAlgName()));
        }
        String described = String.join("; ", parts);
        Optional<Certificates.Weakness> weak = Certificates.weakness(chain, CertificateStrength.DEFAULT);
        if (weak.isPresent()) {
            add("certificate strength", Verdict.FAIL, (weak.get().problem() == CertificateProblem.WEAK_KEY ? "weak key: " : "weak signature: ")
                    + weak.get().message() + " (" + described + ")");
        } else {
            add("certificate strength", Verdict.PASS, described);
        }
    }

    private void nameOffline(Optional<X509Certificate> leaf, String name) {
        if (leaf.isEmpty()) {
            add("certificate name", Verdict.FAIL, "no certificate to judge");
        } else if (Certificates.matchesHost(leaf.get(), name)) {
            add("certificate name", Verdict.PASS, "names " + name);
        } else {
            add("certificate name", Verdict.FAIL, "does not name " + name + namesOf(leaf));
        }
    }

    private static String namesOf(Optional<X509Certificate> leaf) {
        return leaf.map(c -> " (it names " + String.join(", ", Words.subjectAltNames(c)) + ")").orElse("");
    }

    // ------------------------------------------------------------------ before TLS

    private void loginBeforeTls(Optional<Capabilities> before) {
        if (before.isEmpty()) {
            add("login before TLS", Verdict.WARN, "not judged: no capabilities were announced in plaintext");
            return;
        }
        List<String> offers = target.protocol().loginOffers(before.get());
        if (offers.isEmpty()) {
            add("login before TLS", Verdict.PASS, switch (target.protocol()) {
                case SMTP -> "no AUTH announced before TLS";
                case IMAP -> "LOGINDISABLED and no AUTH= announced before TLS";
                case POP3 -> "neither USER nor SASL announced before TLS";
                case LMTP -> "no AUTH announced before TLS";
                case SIEVE -> "no SASL mechanism announced before TLS";
                case NNTP -> "neither AUTHINFO nor SASL announced before TLS";
            });
        } else {
            add("login before TLS", Verdict.WARN, String.join("; ", Words.loginBeforeTls(target.protocol(), offers)));
        }
    }

    /**
     * The test kit's {@link ServerCheck#COMMANDS_BEFORE_TLS}: SMTP MAIL (a public MX on port 25,
     * scheme {@code smtp}, must accept MAIL: RFC 3207 §4); SASL with PLAIN and each mechanism
     * announced (SMTP AUTH, IMAP and ManageSieve AUTHENTICATE, POP3 AUTH); IMAP LOGIN with a made-up
     * user and password, POP3 USER, LMTP MAIL, NNTP AUTHINFO USER; SASL exchanges are cancelled, no
     * real credential is ever sent.
     */
    private void commandsBeforeTls() {
        add("commands before TLS", kitCheck(ServerCheck.COMMANDS_BEFORE_TLS));
    }

    // ------------------------------------------------------------------ the test kit's checks

    private CheckResult kitCheck(ServerCheck check) {
        ServerChecks.Builder kit = ServerChecks.against(target.protocol().kit(),
                        address.getAddress().getHostAddress(), address.getPort())
                .serverName(settings.nameFor(target)).clientName(settings.ehlo()).timeout(settings.timeout())
                .publicMx(target.scheme().equals("smtp"));
        idleLimit.ifPresent(kit::idleLimit);
        return kit.run(check);
    }

    private void add(String name, CheckResult result) {
        add(name, Verdict.valueOf(result.verdict().name()), result.evidence());
    }

    static Duration elapsed(Report r) {
        return Duration.between(r.started(), r.finished());
    }
}
