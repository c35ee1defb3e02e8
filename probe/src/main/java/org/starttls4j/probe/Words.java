package org.starttls4j.probe;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Failure;

/** How things are said to an operator: one place for the wording of failures and warnings. */
final class Words {

    /** A certificate that expires within this many days is worth a warning. */
    static final long EXPIRY_WARNING_DAYS = 30;

    private Words() {
    }

    /** A failure in one line: its reason, what happened, and what the peer said. */
    static String failure(Failure f) {
        return failure(f, "the server");
    }

    /** A failure in one line, naming the peer ({@code "the server"} or {@code "the client"}) whose words it quotes. */
    static String failure(Failure f, String peer) {
        StringBuilder s = new StringBuilder(f.reason().name()).append(": ").append(f.message());
        f.certificateProblem().filter(p -> !f.message().contains(p.name()))
                .ifPresent(p -> s.append(" (").append(problem(p.name())).append(')'));
        f.peerReply().ifPresent(r -> s.append(" — ").append(peer).append(" said: ").append(printable(r)));
        return s.toString();
    }

    /** A certificate problem in words. */
    static String problem(String name) {
        return switch (name) {
            case "HOST_MISMATCH" -> "the certificate does not name the server";
            case "EXPIRED" -> "the certificate has expired";
            case "NOT_YET_VALID" -> "the certificate is not valid yet";
            case "NOT_TRUSTED" -> "no trusted authority vouches for the certificate";
            case "PIN_MISMATCH" -> "the certificate is not the pinned one";
            case "WEAK_KEY" -> "a key in the chain is too short";
            case "WEAK_SIGNATURE" -> "a certificate in the chain is signed with a broken digest (SHA-1 or MD5)";
            case "WRONG_PURPOSE" -> "the certificate is not for TLS servers (extended key usage or key usage)";
            case "NAME_CONSTRAINT_VIOLATION" -> "the issuing CA may not vouch for this name (name constraints)";
            case "DANE_MISMATCH" -> "no TLSA record names the certificate or its issuer";
            default -> "the certificate was rejected";
        };
    }

    /** The warnings for the ways to log in that a server offers before TLS ({@link Protocol#loginOffers}). */
    static List<String> loginBeforeTls(Protocol protocol, List<String> offers) {
        List<String> warnings = new ArrayList<>();
        List<String> auth = offers.stream().filter(o -> !o.startsWith("LOGIN (")).toList();
        if (!auth.isEmpty()) {
            warnings.add((protocol == Protocol.POP3 ? "login" : "AUTH") + " offered before TLS (" + String.join(", ", auth) + ")");
        }
        if (offers.stream().anyMatch(o -> o.startsWith("LOGIN ("))) {
            warnings.add("LOGIN allowed before TLS (no LOGINDISABLED)");
        }
        return warnings;
    }

    /** The subject alternative names of a certificate (DNS names and IP addresses), as {@code DNS:x}/{@code IP:y}. */
    static List<String> subjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() == null) {
                return names;
            }
            for (List<?> entry : certificate.getSubjectAlternativeNames()) {
                int type = (Integer) entry.get(0);
                Object value = entry.get(1);
                String kind = switch (type) {
                    case 2 -> "DNS";
                    case 7 -> "IP";
                    case 1 -> "email";
                    case 6 -> "URI";
                    default -> "type" + type;
                };
                names.add(kind + ":" + (value instanceof String ? value : "(binary)"));
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable: " + e.getMessage() + ")");
        }
        return names;
    }

    /** Text received from a peer, with control characters shown as escapes. */
    static String printable(String text) {
        StringBuilder s = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '\n') {
                s.append(" / ");
            } else if (c < 0x20 || c == 0x7f || (c > 0x7f && c < 0xa0)) {
                s.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** {@code 1 day}, {@code 2 days}. */
    static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
