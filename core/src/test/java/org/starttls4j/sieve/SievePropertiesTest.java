package org.starttls4j.sieve;

import java.util.List;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.DialectProperties;

/** Any split gives the same outcome, no input throws, and the bounds hold, for both ManageSieve roles. */
class SievePropertiesTest extends DialectProperties {

    private static final String GREETING = SieveClientTest.GREETING;

    @Override
    protected Negotiation client(TlsPolicy policy, Limits limits) {
        return ManageSieve.client(Dialect.clientBuilder(policy).limits(limits).build());
    }

    @Override
    protected Negotiation server(TlsPolicy policy, Limits limits) {
        return ManageSieve.server(SieveServerTest.builder(policy).limits(limits).build());
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
                client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, "OK \"go\"\r\n"),
                client(TlsPolicy.REQUIRED, Limits.DEFAULT, SieveClientTest.GREETING_WITHOUT_STARTTLS),
                client(TlsPolicy.OPPORTUNISTIC, Limits.DEFAULT, GREETING, "NO {11}\r\nOK\r\n\"x\" \"y\"\r\n"),
                client(TlsPolicy.REQUIRED, Dialect.SMALL, "\"A\"\r\n\"B\"\r\n\"C\"\r\n\"D\"\r\nOK\r\n"),
                client(TlsPolicy.PLAINTEXT_ONLY, Limits.DEFAULT, GREETING),
                server(TlsPolicy.REQUIRED, "CAPABILITY\r\n", "AUTHENTICATE \"PLAIN\" {4+}\r\nabcd\r\n", "NOOP \"x\"\r\n", "STARTTLS\r\n"),
                server(TlsPolicy.OPPORTUNISTIC, "CAPABILITY\r\n", "LISTSCRIPTS\r\n"),
                server(TlsPolicy.PLAINTEXT_ONLY, "STARTTLS\r\n", "capability\r\n", "LOGOUT\r\n"));
    }

    @Override
    protected List<String> tokens() {
        return List.of("OK", "NO", "BYE", " ", "\"", "\"STARTTLS\"", "\"SASL\" \"PLAIN\"", "{3}", "{2+}", "(TAG \"x\")", "\r\n", "\r\n",
                "\r", "\n", "STARTTLS", "CAPABILITY", "AUTHENTICATE \"PLAIN\"", "LOGOUT", "PUTSCRIPT \"a\"", "\0", "\u0016\u0003\u0001",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    }

    @Override
    protected List<String> prefixes() {
        return List.of("", GREETING, "\"STARTTLS\"\r\n", "CAPABILITY\r\n");
    }
}
