package org.starttls4j.lmtp;

import java.util.List;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.DialectProperties;

/** Any split gives the same outcome, no input throws, and the bounds hold, for both LMTP roles. */
class LmtpPropertiesTest extends DialectProperties {

    private static final String GREETING = LmtpClientTest.GREETING;

    @Override
    protected Negotiation client(TlsPolicy policy, Limits limits) {
        return Lmtp.client(Dialect.clientBuilder(policy).limits(limits).build());
    }

    @Override
    protected Negotiation server(TlsPolicy policy, Limits limits) {
        return Lmtp.server(LmtpServerTest.builder(policy).limits(limits).build());
    }

    private Case client(TlsPolicy policy, Limits limits, String... turns) {
        return new Case(() -> client(policy, limits), List.of(turns));
    }

    private Case server(TlsPolicy policy, String... turns) {
        return new Case(() -> server(policy, Limits.DEFAULT), List.of(turns));
    }

    @Override
    protected List<Case> cases() {
        return List.of(
                client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, LmtpClientTest.LHLO_WITH_STARTTLS, "220 go\r\n"),
                client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, LmtpClientTest.LHLO_WITHOUT_STARTTLS),
                client(TlsPolicy.OPPORTUNISTIC, Limits.DEFAULT, GREETING, LmtpClientTest.LHLO_WITH_STARTTLS, "454 later\r\n"),
                client(TlsPolicy.REQUIRED, Dialect.SMALL, GREETING, "250-a\r\n250-b\r\n250-c\r\n250-d\r\n250 e\r\n"),
                client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, "250-a\r\n251 b\r\n"),
                server(TlsPolicy.REQUIRED, "LHLO a\r\n", "MAIL FROM:<a@b>\r\n", "NOOP\r\n", "STARTTLS\r\n"),
                server(TlsPolicy.OPPORTUNISTIC, "LHLO a\r\n", "RCPT TO:<x@y>\r\n"),
                server(TlsPolicy.PLAINTEXT_ONLY, "STARTTLS\r\n", "lhlo b\r\n", "QUIT\r\n"));
    }

    @Override
    protected List<String> tokens() {
        return List.of("220 ", "250-", "250 ", "421 ", "454 ", "\r\n", "\r\n", "\r", "\n", "STARTTLS", "LHLO x", "EHLO x",
                "MAIL FROM:<a@b>", "AUTH PLAIN", "QUIT", "\0", "\u0016\u0003\u0001", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    }

    @Override
    protected List<String> prefixes() {
        return List.of("", GREETING, GREETING + LmtpClientTest.LHLO_WITH_STARTTLS, "LHLO a\r\n");
    }
}
