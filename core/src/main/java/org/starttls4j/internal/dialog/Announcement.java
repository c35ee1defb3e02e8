package org.starttls4j.internal.dialog;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.internal.text.FixedList;

/**
 * What a server announces before TLS, the same rule in every protocol: never the word for STARTTLS
 * that the configuration may hold (the negotiation alone decides whether it is offered), none of
 * the capabilities the protocol withholds before TLS (those that carry credentials, unless the
 * configuration allows authentication in plaintext), and the word for STARTTLS at the end unless
 * the policy is {@code PLAINTEXT_ONLY}.
 */
public final class Announcement {

    private Announcement() {
    }

    /**
     * The capabilities to announce before TLS.
     *
     * @param config     the server configuration, for its policy
     * @param configured the capabilities the configuration gives, with the protocol's required ones added
     * @param startTls   the protocol's word for STARTTLS ({@code STARTTLS}, {@code STLS})
     * @param withheld   the capabilities the protocol does not announce in plaintext
     * @return the capabilities, in the configured order, the word for STARTTLS last
     */
    public static Capabilities beforeTls(ServerConfig config, Capabilities configured, String startTls, Predicate<Capability> withheld) {
        // Made at its size and taken without a copy: a server without a prepared form announces per negotiation.
        List<Capability> all = configured.list();
        Capability[] list = new Capability[all.size() + 1];
        int n = 0;
        for (Capability c : all) {
            if (!c.is(startTls) && !withheld.test(c)) {
                list[n++] = c;
            }
        }
        if (config.policy() != TlsPolicy.PLAINTEXT_ONLY) {
            list[n++] = Capability.keyword(startTls, 0, startTls.length());
        }
        return new Capabilities(FixedList.of(n == list.length ? list : Arrays.copyOf(list, n)));
    }
}
