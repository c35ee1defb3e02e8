package org.starttls4j.nntp;

import java.util.List;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.DialectProperties;

/** Any split gives the same outcome, no input throws, and the bounds hold, for both NNTP roles. */
class NntpPropertiesTest extends DialectProperties {

    private static final String GREETING = NntpClientTest.GREETING;

    @Override
    protected Negotiation client(TlsPolicy policy, Limits limits) {
        return Nntp.client(Dialect.clientBuilder(policy).limits(limits).build());
    }

    @Override
    protected Negotiation server(TlsPolicy policy, Limits limits) {
        return Nntp.server(NntpServerTest.builder(policy).limits(limits).build());
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
                client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, NntpClientTest.CAPS_WITH_STARTTLS, "382 go\r\n"),
                client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, NntpClientTest.CAPS_WITHOUT_STARTTLS),
                client(TlsPolicy.OPPORTUNISTIC, Limits.DEFAULT, GREETING, NntpClientTest.CAPS_WITH_STARTTLS, "580 no\r\n"),
                client(TlsPolicy.REQUIRED, Dialect.SMALL, "200 ok\r\n", "101 list\r\nA\r\nB\r\nC\r\nD\r\n.\r\n"),
                client(TlsPolicy.PLAINTEXT_ONLY, Limits.DEFAULT, GREETING, "101 list\r\n..X\r\nREADER\r\n.\r\n"),
                server(TlsPolicy.REQUIRED, "CAPABILITIES\r\n", "GROUP a\r\n", "HELP\r\n", "STARTTLS\r\n"),
                server(TlsPolicy.OPPORTUNISTIC, "CAPABILITIES\r\n", "AUTHINFO USER a\r\n", "LIST\r\n"),
                server(TlsPolicy.PLAINTEXT_ONLY, "STARTTLS\r\n", "capabilities\r\n", "QUIT\r\n"));
    }

    @Override
    protected List<String> tokens() {
        return List.of("200 ", "101 ", "382 ", "580 ", "400 ", "\r\n", "\r\n", "\r", "\n", ".", "..", ".\r\n", "STARTTLS",
                "CAPABILITIES", "VERSION 2", "AUTHINFO USER a", "GROUP x", "QUIT", "\0", "\u0016\u0003\u0001",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    }

    @Override
    protected List<String> prefixes() {
        return List.of("", GREETING, GREETING + NntpClientTest.CAPS_WITH_STARTTLS, "CAPABILITIES\r\n");
    }
}
