package org.starttls4j.mtasts;

import java.util.function.UnaryOperator;
import org.starttls4j.CertificateCheck;
import org.starttls4j.ClientConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;
import org.starttls4j.tlsrpt.ResultType;

/** Turns an MTA-STS policy and an MX host into how to deliver to it (RFC 8461 §4 and §5). */
public final class MtaSts {

    private MtaSts() {
    }

    /**
     * Decides how to deliver to {@code mxHost} under {@code policy}.
     *
     * <p>A matching MX gets {@link TlsPolicy#REQUIRED}, the MX host as the name to verify, a PKIX
     * chain and host name check ({@link CertificateCheck#standard()}) and TLS 1.2 or newer
     * (RFC 8461 §4.2; {@link TlsVersion} names nothing older). These are set <em>after</em> {@code sender} has had its say, so a
     * sender's defaults cannot weaken them; what the sender sets is the rest: its EHLO name, limits,
     * timeouts, trust anchors (RFC 8461 asks for the Web PKI, the JDK's anchors by default), or a
     * TLS 1.3 floor. A sender that installs its own {@code sslContext} or {@code engineFactory}
     * takes over the chain check with it.
     *
     * @param policy the domain's policy, fetched or cached
     * @param mxHost the MX host name, as the MX record gave it
     * @param sender the sender's own settings for a builder of the MX host's configuration
     * @return the decision
     */
    public static MxDecision decide(StsPolicy policy, String mxHost, UnaryOperator<ClientConfig.Builder> sender) {
        if (policy.mode() == StsMode.NONE) {
            return new MxDecision.WithoutPolicy(null, "the policy's mode is none");
        }
        if (!policy.allows(mxHost)) {
            String why = "the MTA-STS policy does not list the MX host " + MxPattern.normalise(mxHost);
            return policy.mode() == StsMode.ENFORCE
                    ? new MxDecision.DoNotDeliver(ResultType.VALIDATION_FAILURE, why)
                    : new MxDecision.WithoutPolicy(ResultType.VALIDATION_FAILURE, why);
        }
        String host = MxPattern.normalise(mxHost);
        // No floor to force: TlsVersion cannot name anything older than TLS 1.2.
        ClientConfig config = sender.apply(ClientConfig.builder(host))
                .serverName(host)
                .policy(TlsPolicy.REQUIRED)
                .certificateCheck(CertificateCheck.standard())
                .build();
        return new MxDecision.Deliver(config, policy.mode() == StsMode.ENFORCE);
    }
}
