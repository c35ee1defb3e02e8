package org.starttls4j.testkit.hostile;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.starttls4j.testkit.MailProtocol;

/**
 * What a hostile server does to the client under test. Each scenario names the attack (or the
 * misbehaviour) and the protocols it applies to; what a client may not do in answer is a
 * {@link ClientFinding}.
 */
public enum HostileScenario {
    /**
     * The go-ahead to STARTTLS comes with a forged reply in the same packet (the answer to the
     * client's next command). A safe client discards it or gives up; a vulnerable one reads it after
     * the handshake as if it came inside TLS. Detected when the client sends its second command
     * inside TLS before the server answered the first, which the server holds back for 750 ms: a
     * vulnerable client slower than that to send its next command is missed, and an IMAP client
     * that pipelines its first two commands inside TLS (RFC 9051 §5.5 allows it) is reported too;
     * the evidence names both commands.
     */
    RESPONSE_INJECTION("the STARTTLS go-ahead arrives with a forged reply in the same packet"),
    /**
     * AUTH is announced only before TLS; inside TLS it is gone. A client that keeps the capabilities
     * learned in plaintext (forgeable) logs in with a mechanism the server never offered inside TLS.
     */
    CAPABILITY_INJECTION("AUTH announced in plaintext only, withdrawn inside TLS"),
    /** STARTTLS (STLS) is missing from the capabilities and answered as unknown: a stripping attacker. */
    STARTTLS_STRIPPED("STARTTLS not announced, and refused as an unknown command"),
    /** STARTTLS is announced but refused: SMTP 454, IMAP NO, POP3 -ERR. */
    STARTTLS_REFUSED("STARTTLS announced, then refused (454 / NO / -ERR)"),
    /** IMAP only: the greeting is {@code PREAUTH}, which leaves no state where STARTTLS is allowed (RFC 2595 §3.1). */
    PREAUTH("IMAP PREAUTH greeting: already logged in, in plaintext", MailProtocol.IMAP),
    /** After the go-ahead the server speaks TLS 1.0 and 1.1 only (RFC 8996 deprecates both). */
    TLS_1_1_ONLY("after the go-ahead, a TLS 1.1 server (TLS 1.0 if asked)"),
    /** A certificate issued by the trusted CA, for another name. */
    WRONG_NAME_CERTIFICATE("a trusted certificate for wrong-name.invalid"),
    /** A self-signed certificate for the right name. */
    UNTRUSTED_CERTIFICATE("a self-signed certificate: no trusted issuer"),
    /** A certificate issued by the trusted CA for the right name, expired yesterday. */
    EXPIRED_CERTIFICATE("a trusted certificate for the right name, expired yesterday"),
    /** The connection is closed right after the go-ahead (implicit TLS: right after it is accepted). */
    CLOSE_AFTER_GO_AHEAD("the connection closes right after the go-ahead"),
    /** Nothing is ever sent after the go-ahead (implicit TLS: ever); the client must give up by itself. */
    HANG_AFTER_GO_AHEAD("silence after the go-ahead, until the client gives up"),
    /** Bytes that are not TLS follow the go-ahead (implicit TLS: come first). */
    GARBAGE_AFTER_GO_AHEAD("bytes that are not TLS after the go-ahead"),
    /** Every reply, before and inside TLS, arrives one byte per TCP segment (and per TLS record): valid, and must work. */
    FRAGMENTED_REPLIES("every reply one byte at a time, before and inside TLS"),
    /** Every reply arrives in 4-byte pieces 15 ms apart: valid, and must work within the client's timeouts. */
    SLOW_REPLIES("every reply in 4-byte pieces, 15 ms apart"),
    /** The greeting is one line of 1 MiB: a client should bound what it reads (RFC 5321 allows 512 bytes). */
    OVER_LONG_LINE("a greeting line of 1 MiB"),
    /** The capability reply goes on for 100,000 lines (3 MB): a client should bound what it reads. */
    ENDLESS_MULTILINE_REPLY("a capability reply of 100,000 lines");

    private final String description;
    private final List<MailProtocol> protocols;

    HostileScenario(String description, MailProtocol... only) {
        this.description = description;
        this.protocols = only.length == 0 ? MailProtocol.mail() : List.of(only);
    }

    /**
     * What the server does, in a few words.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * Whether the scenario exists for {@code protocol} ({@link #PREAUTH} is IMAP's alone).
     *
     * @param protocol the protocol
     * @return true when it applies
     */
    public boolean appliesTo(MailProtocol protocol) {
        return protocols.contains(protocol);
    }

    /**
     * Whether the scenario exists on an implicit-TLS port (RFC 8314: 465, 993, 995), where TLS
     * starts with the connection: the certificate and version scenarios, close, hang or garbage
     * where the server's TLS handshake belongs, fragmented and slow replies, and over-long or
     * endless replies inside TLS. The scenarios about the STARTTLS dialog (injection, stripping,
     * refusal, PREAUTH) have nothing to attack there.
     *
     * @return true when it applies to implicit TLS
     */
    public boolean appliesToImplicitTls() {
        return switch (this) {
            case RESPONSE_INJECTION, CAPABILITY_INJECTION, STARTTLS_STRIPPED, STARTTLS_REFUSED, PREAUTH -> false;
            default -> true;
        };
    }

    /**
     * The scenarios that apply to {@code protocol} on an implicit-TLS port, in declaration order.
     *
     * @param protocol the protocol
     * @return those scenarios
     */
    public static List<HostileScenario> forImplicitTls(MailProtocol protocol) {
        return forProtocol(protocol).stream().filter(HostileScenario::appliesToImplicitTls).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The scenarios that apply to {@code protocol}, in declaration order.
     *
     * @param protocol the protocol
     * @return those scenarios
     */
    public static List<HostileScenario> forProtocol(MailProtocol protocol) {
        return Arrays.stream(values()).filter(s -> s.appliesTo(protocol)).collect(Collectors.toUnmodifiableList());
    }
}
