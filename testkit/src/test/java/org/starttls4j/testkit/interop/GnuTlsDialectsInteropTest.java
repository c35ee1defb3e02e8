package org.starttls4j.testkit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.testing.interop.Dialogs;
import org.starttls4j.testing.interop.GnuTlsClient;
import org.starttls4j.testing.interop.InteropPki;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;
import org.starttls4j.testkit.ReferenceServer;
import org.starttls4j.testkit.ServerAdapter;

/**
 * {@code gnutls-cli --starttls-proto=lmtp|nntp|sieve} against the reference servers, through both
 * adapters' servers (the NIO {@code NioServer} and Netty's {@code StartTlsServerHandler}), at
 * TLS 1.3 and at TLS 1.2 only: GnuTLS verifies the interop certificate against the interop CA and
 * the name; the server recorded exactly gnutls-cli's negotiation in plaintext and every command of
 * the script inside TLS, and answered them there (no STARTTLS announced inside TLS). SMTP, IMAP
 * and POP3 run through the adapters' own tests ({@code GnuTlsScenarios}).
 */
@Tag("interop")
class GnuTlsDialectsInteropTest {

    /** The word, not the start of "starttls4j" (the IMPLEMENTATION a ManageSieve server names). */
    private static final Pattern STARTTLS = Pattern.compile("(?i)\\bSTARTTLS\\b");

    @TempDir
    Path dir;

    /**
     * One dialect as gnutls-cli speaks it.
     *
     * @param protocol   the protocol
     * @param gnutlsName its {@code --starttls-proto} name
     * @param plaintext  what gnutls-cli sends before TLS
     * @param script     what the test types inside TLS, ending with the goodbye
     * @param replies    prefixes of what the server must answer inside TLS, in order
     */
    record Dialect(MailProtocol protocol, String gnutlsName, List<String> plaintext, List<String> script, List<String> replies) {
        @Override
        public String toString() {
            return protocol.toString();
        }
    }

    static final List<Dialect> DIALECTS = List.of(
            new Dialect(MailProtocol.LMTP, "lmtp", List.of("LHLO 127.0.0.1", "STARTTLS"),
                    List.of("LHLO gnutls.example.test", "QUIT"),
                    List.of("250-" + InteropPki.SERVER_NAME, "250 ", "221 ")),
            new Dialect(MailProtocol.NNTP, "nntp", List.of("STARTTLS"),
                    List.of("CAPABILITIES", "QUIT"),
                    List.of("101 ", "AUTHINFO USER", ".", "205 ")),
            // after TLS a ManageSieve server sends its capabilities unasked (RFC 5804, 2.2), then answers CAPABILITY
            new Dialect(MailProtocol.SIEVE, "sieve", List.of("STARTTLS"),
                    List.of("CAPABILITY", "LOGOUT"),
                    List.of("\"IMPLEMENTATION\"", "OK", "\"IMPLEMENTATION\"", "OK", "OK ")));

    static Stream<Arguments> dialectsAdaptersAndVersions() {
        return DIALECTS.stream().flatMap(d -> Stream.of(ServerAdapter.values()).flatMap(a -> Stream.of(
                Arguments.of(d, a, "TLSv1.3", new String[0]),
                Arguments.of(d, a, "TLSv1.2", new String[] {GnuTlsClient.only("TLS1.2")}))));
    }

    @ParameterizedTest(name = "{0} through {1} at {2}")
    @MethodSource("dialectsAdaptersAndVersions")
    void gnutlsCliStartTlsIsAnsweredInsideTls(Dialect dialect, ServerAdapter adapter, String version, String[] extra)
            throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(dialect.protocol()).adapter(adapter)
                .serverName(InteropPki.SERVER_NAME).tlsContext(InteropPki.serverIdentity().serverContext()).start()) {
            String script = String.join("\r\n", dialect.script()) + "\r\n";
            Path work = Files.createDirectories(dir.resolve((dialect + "-" + adapter + "-" + version).toLowerCase(Locale.ROOT)));

            GnuTlsClient.Result result = GnuTlsClient.startTls(dialect.gnutlsName(), server.address(), work, script, extra);

            assertThat(result.succeeded()).as("gnutls-cli exited 0 by itself\n%s", result).isTrue();
            assertThat(result.protocol()).as("TLS version\n%s", result).contains(version);
            assertThat(result.verified()).as("certificate trusted, name checked\n%s", result).isTrue();
            Dialogs.assertInOrder(result.afterTls(), dialect.replies(), result);
            assertThat(result.afterTls()).as("no STARTTLS announced inside TLS\n%s", result)
                    .noneMatch(l -> STARTTLS.matcher(l).find());
            Recording recording = server.recording();
            assertThat(recording).as("%s", recording).onlyNegotiationBeforeTls();
            assertThat(lines(recording.commands(Layer.PLAINTEXT))).as("what gnutls-cli said before TLS\n%s", recording)
                    .containsExactlyElementsOf(dialect.plaintext());
            assertThat(lines(recording.commands(Layer.TLS))).as("the script, read inside TLS\n%s", recording)
                    .containsExactlyElementsOf(dialect.script());
            assertThat(recording.notes()).as("the server's side of the handshake\n%s", recording)
                    .anyMatch(n -> n.startsWith("#1 TLS established: " + version + " "));
        }
    }

    private static List<String> lines(List<ReceivedCommand> commands) {
        return commands.stream().map(ReceivedCommand::line).toList();
    }
}
