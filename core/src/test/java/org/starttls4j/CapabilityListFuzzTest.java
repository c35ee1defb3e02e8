package org.starttls4j;

import static org.starttls4j.Fuzzing.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;
import org.starttls4j.Fuzzing.Protocol;

/**
 * The capability lists a server announces (EHLO, LHLO, IMAP CAPABILITY, POP3 CAPA, NNTP
 * CAPABILITIES, ManageSieve's greeting), read by each client after an honest greeting: the
 * fuzzer writes only the list, so its work goes into the list parsers. Beyond no exception:
 * a list reported has at most {@link Limits#maxLinesPerReply()} entries (IMAP, whose capabilities
 * share lines: as many as that many lines hold), each a non-empty name and
 * parameters cut at the separators (no line end, no space but in ManageSieve's quoted strings), each found again by {@link Capabilities#has};
 * and the client asks for TLS only when the list it reported offers it (or says nothing either way).
 */
class CapabilityListFuzzTest {

    /** The read before the list (ManageSieve's list is its greeting: nothing before it). */
    static final List<String> BEFORE = List.of("220 mail.example.test ESMTP\r\n", "220 lmtp.example.test LMTP\r\n",
            "* OK IMAP4rev1 ready\r\n", "+OK POP3 ready\r\n", "200 news.example.test ready\r\n", "");

    @FuzzTest(maxDuration = "2m")
    void anyList(FuzzedDataProvider data) {
        Protocol protocol = data.pickValue(Protocol.values());
        boolean small = data.consumeBoolean();
        Limits limits = Fuzzing.LIMITS.get(small ? 1 : 0);
        byte[] list = data.consumeRemainingAsBytes();
        Transition t = protocol.client.apply(Fuzzing.client(TlsPolicy.REQUIRED, small ? 1 : 0)).begin(Fuzzing.T0);
        String before = BEFORE.get(protocol.ordinal());
        if (!before.isEmpty()) {
            t = t.next().onReceived(ByteBuffer.wrap(Fuzzing.bytes(before)), Fuzzing.T0);
        }
        if (t.isFinished()) {
            throw new AssertionError("the honest greeting ended the negotiation: " + t.outcome());
        }
        t = t.next().onReceived(ByteBuffer.wrap(list), Fuzzing.T0);
        for (Event e : t.events()) {
            if (e instanceof Event.CapabilitiesReceived received) {
                Capabilities caps = received.capabilities();
                // one capability a line, but IMAP's, whose lines (untagged responses) hold many each
                int bound = protocol == Protocol.IMAP ? limits.maxLinesPerReply() * (limits.maxLineLength() / 2) : limits.maxLinesPerReply();
                check(caps.list().size() <= bound, "%d capabilities, over %d", caps.list().size(), bound);
                for (Capability c : caps.list()) {
                    check(!c.name().isEmpty() && wordLike(c.name(), protocol), "a capability named '%s'", c.name());
                    c.parameters().forEach(p -> check(!p.isEmpty() && wordLike(p, protocol), "%s has a parameter '%s'", c.name(), p));
                    check(caps.has(c.name()), "%s not found in %s", c.name(), caps);
                }
                boolean asked = Fuzzing.text(t.outboundBytes()).lines().anyMatch(protocol::isStartTls);
                check(!asked || caps.has(protocol == Protocol.POP3 ? "STLS" : "STARTTLS") || caps.isEmpty(),
                        "asked for TLS after a list without it: %s", caps);
            }
        }
    }

    /**
     * Cut where the separators are: no line end, no space (but in ManageSieve's quoted strings,
     * RFC 5804 §1.7). Other bytes stay as the server sent them (the core keeps names "as spelled",
     * and what arrived before TLS is reported as untrusted), control characters included.
     */
    private static boolean wordLike(String s, Protocol protocol) {
        return s.chars().noneMatch(c -> c == '\r' || c == '\n' || (c == ' ' && protocol != Protocol.SIEVE));
    }
}
