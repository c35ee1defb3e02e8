package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.testing.CountingEngines.counting;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.imap.Imap;
import org.starttls4j.lmtp.Lmtp;
import org.starttls4j.nntp.Nntp;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.sieve.ManageSieve;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.EnginePair;
import org.starttls4j.testing.IgnoresParameters;
import org.starttls4j.testing.LegacyTls;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TransportLoopback;

/**
 * The TLS seam ({@link Negotiation#withTransportTls()}): the test plays the transport, with bare
 * {@link SSLEngine}s, either taking the negotiation's {@link TransportTls#engine()} or, like an
 * {@code SSLSocket} layered over a socket, making its own engine and applying only
 * {@link TransportTls#parameters()}. The core checks what the transport established as it checks
 * its own handshakes, and the injection rule holds at the seam.
 */
class TransportTlsTest {

    static final Instant T0 = Dialect.T0;
    static final String HOST = Dialect.HOST;
    static final Capabilities BEFORE = Dialect.caps("X-BEFORE");
    static final Capabilities AFTER = Dialect.caps("X-AFTER", "AUTH PLAIN");

    /** Every protocol: its entry points and the application answering the client's capabilities request inside TLS. */
    enum Protocol {
        SMTP(Smtp::client, Smtp::server, (config, line) -> line.startsWith("EHLO ") ? Smtp.ehloReplyAfterTls(config, line.substring(5)) : null),
        LMTP(Lmtp::client, Lmtp::server, (config, line) -> line.startsWith("LHLO ") ? Lmtp.lhloReplyAfterTls(config, line.substring(5)) : null),
        IMAP(Imap::client, Imap::server, (config, line) -> {
            Matcher m = Pattern.compile("(\\S+) CAPABILITY").matcher(line);
            return m.matches() ? Imap.capabilityResponseAfterTls(config, m.group(1)) : null;
        }),
        POP3(Pop3::client, Pop3::server, (config, line) -> line.equals("CAPA") ? Pop3.capaReplyAfterTls(config) : null),
        NNTP(Nntp::client, Nntp::server, (config, line) -> line.equals("CAPABILITIES") ? Nntp.capabilitiesReplyAfterTls(config) : null),
        MANAGESIEVE(ManageSieve::client, ManageSieve::server, (config, line) -> null);

        final Function<ClientConfig, Negotiation> client;
        final Function<ServerConfig, Negotiation> server;
        final java.util.function.BiFunction<ServerConfig, String, String> answer;

        Protocol(Function<ClientConfig, Negotiation> client, Function<ServerConfig, Negotiation> server,
                 java.util.function.BiFunction<ServerConfig, String, String> answer) {
            this.client = client;
            this.server = server;
            this.answer = answer;
        }

        Loopback.ServerApp app(ServerConfig config) {
            return new Loopback.ServerApp() {
                @Override
                public String onLine(String line) {
                    return answer.apply(config, line);
                }

                @Override
                public String onHandOver() {
                    // ManageSieve's server speaks first after STARTTLS (RFC 5804 §2.2)
                    return Protocol.this == MANAGESIEVE && config.policy() != TlsPolicy.IMPLICIT
                            ? ManageSieve.capabilitiesAfterTls(config) : null;
                }
            };
        }
    }

    static ClientConfig.Builder client(TlsPolicy policy) {
        return Dialect.clientBuilder(policy);
    }

    static ServerConfig.Builder server(TlsPolicy policy) {
        return Dialect.serverBuilder(policy, BEFORE, AFTER);
    }

    static Stream<Arguments> protocolsAndPolicies() {
        return Stream.of(Protocol.values()).flatMap(p -> Stream.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC, TlsPolicy.IMPLICIT)
                .map(policy -> Arguments.of(p, policy)));
    }

    // ---------------------------------------------------------------- every protocol, both roles

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protocolsAndPolicies")
    void everyProtocolIsSecuredOverTheTransportsTlsInBothRoles(Protocol protocol, TlsPolicy policy) {
        ServerConfig serverConfig = server(policy).build();

        TransportLoopback.Result r = TransportLoopback.run(protocol.client.apply(client(policy).build()).withTransportTls(), null,
                protocol.server.apply(serverConfig).withTransportTls(), null, T0, protocol.app(serverConfig));

        SecureSession client = secured(r.clientOutcome());
        SecureSession server = secured(r.serverOutcome());
        assertThat(client.ownsRecordLayer()).isFalse();
        assertThat(server.ownsRecordLayer()).isFalse();
        assertThat(client.tls().protocol()).isEqualTo(r.clientEngine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(client.tls().peerCertificate()).contains(TestPki.server(Dialect.KEY, HOST).leaf());
        assertThat(server.tls().cipherSuite()).isEqualTo(r.serverEngine().getSession().getCipherSuite());
        // what the client learned inside TLS, never what it learned before
        assertThat(client.capabilities().has("X-AFTER")).isTrue();
        assertThat(client.capabilities().has("X-BEFORE")).isFalse();
        assertThat(server.capabilities()).isEqualTo(AFTER);
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.TlsEstablished).hasSize(1);
        assertThat(r.serverEvents()).filteredOn(e -> e instanceof Event.TlsEstablished).hasSize(1);
        // every line after TLS is reported as having travelled inside it
        List<Event> afterTls = after(r.clientEvents(), Event.TlsEstablished.class);
        assertThat(afterTls).filteredOn(e -> e instanceof Event.Line).isNotEmpty()
                .allSatisfy(e -> assertThat(((Event.Line) e).encrypted()).isTrue());
        assertThat(r.appReceived()).as("nothing asks for TLS again inside it").doesNotContainIgnoringCase("STARTTLS").doesNotContain("STLS");
    }

    // ---------------------------------------------------------------- the steps, one at a time (SMTP)

    @Test
    void theClientWaitsForTheTransportAtTheGoAheadThenSendsEhloInPlaintextForTheTransportToEncrypt() throws SSLException {
        Transition t = smtpClientUpToGoAhead(client(TlsPolicy.REQUIRED).build());

        assertThat(t.outboundBytes()).as("nothing more to write before TLS").isEmpty();
        assertThat(t.events()).contains(new Event.StartTlsAccepted());
        Negotiation awaiting = t.next();
        assertThat(awaiting.state()).isEqualTo("AwaitingTransportTls");
        assertThat(awaiting.isConsumed()).isFalse();
        assertThat(awaiting.deadline()).isPresent();
        TransportTls tls = awaiting.transportTls().orElseThrow();
        SSLEngine engine = tls.engine();
        assertThat(tls.engine()).as("made once").isSameAs(engine);
        assertThat(engine.getUseClientMode()).isTrue();
        assertThat(engine.getEnabledProtocols()).isNotEmpty().allMatch(TlsVersion.TLS_1_2::admits);
        assertThat(engine.getSSLParameters().getServerNames()).containsExactly(new SNIHostName(HOST));

        EnginePair.handshake(engine, serverEngine(Dialect.serverContext()));
        Transition established = awaiting.onTlsEstablished(engine.getSession(), T0);

        assertThat(ascii(established.outboundBytes())).isEqualTo("EHLO localhost\r\n");
        assertThat(established.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingEhloReply");
        assertThat(established.next().transportTls()).isEmpty();
        assertThat(established.events()).anySatisfy(e -> assertThat(e).isInstanceOf(Event.TlsEstablished.class));
        Transition last = established.next().onReceived(ascii("250-" + HOST + "\r\n250 AUTH PLAIN\r\n"), T0);

        SecureSession session = secured(last.outcome().orElseThrow());
        assertThat(session.capabilities().has("AUTH")).isTrue();
        assertThat(session.tls().protocol()).isEqualTo("TLSv1.3");
        assertThat(session.unread().remaining()).isZero();
        assertThatThrownBy(() -> session.encrypt(ByteBuffer.allocate(1), ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("transport owns");
        assertThatThrownBy(() -> session.decrypt(ByteBuffer.allocate(1), ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withTransportTls");
    }

    @Test
    void theServerWritesItsGoAheadAsTheLastPlaintextThenAwaitsTheTransportAndHandsOverAtTls() throws SSLException {
        ServerConfig config = server(TlsPolicy.REQUIRED).build();
        Transition t = Smtp.server(config).withTransportTls().begin(T0);
        assertThat(ascii(t.outboundBytes())).startsWith("220 ");
        t = t.next().onReceived(ascii("EHLO client.example.test\r\n"), T0);
        t = t.next().onReceived(ascii("STARTTLS\r\n"), T0);

        assertThat(ascii(t.outboundBytes())).startsWith("220 ").endsWith("\r\n");
        assertThat(t.next().state()).isEqualTo("AwaitingTransportTls");
        SSLEngine engine = t.next().transportTls().orElseThrow().engine();
        assertThat(engine.getUseClientMode()).isFalse();
        SSLEngine client = TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine(HOST, 25);
        client.setUseClientMode(true);
        EnginePair.handshake(client, engine);
        Transition established = t.next().onTlsEstablished(engine.getSession(), T0);

        assertThat(established.outboundBytes()).isEmpty();
        SecureSession session = secured(established.outcome().orElseThrow());
        assertThat(session.role()).isEqualTo(Role.SERVER);
        assertThat(session.capabilities()).isEqualTo(AFTER);
        assertThat(session.ownsRecordLayer()).isFalse();
        assertThat(session.tls().protocol()).isEqualTo(engine.getSession().getProtocol());
    }

    @Test
    void underImplicitTlsBothAwaitTheTransportAtBeginAndTheServerGreetsInPlaintextForTheTransport() throws SSLException {
        Transition c = Smtp.client(client(TlsPolicy.IMPLICIT).build()).withTransportTls().begin(T0);
        Transition s = Smtp.server(server(TlsPolicy.IMPLICIT).build()).withTransportTls().begin(T0);
        assertThat(c.outboundBytes()).isEmpty();
        assertThat(s.outboundBytes()).isEmpty();
        assertThat(c.next().state()).isEqualTo("AwaitingTransportTls");
        assertThat(s.next().state()).isEqualTo("AwaitingTransportTls");
        SSLEngine ce = c.next().transportTls().orElseThrow().engine();
        SSLEngine se = s.next().transportTls().orElseThrow().engine();
        EnginePair.handshake(ce, se);

        Transition greeted = s.next().onTlsEstablished(se.getSession(), T0);
        Transition reading = c.next().onTlsEstablished(ce.getSession(), T0);

        assertThat(ascii(greeted.outboundBytes())).isEqualTo("220 " + HOST + " ESMTP starttls4j\r\n");
        assertThat(greeted.outcome()).containsInstanceOf(Outcome.Secured.class);
        assertThat(reading.outboundBytes()).isEmpty();
        assertThat(reading.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingGreeting");
        Transition ehlo = reading.next().onReceived(ByteBuffer.wrap(greeted.outboundBytes()), T0);
        assertThat(ascii(ehlo.outboundBytes())).isEqualTo("EHLO localhost\r\n");
        assertThat(ehlo.events()).contains(new Event.GreetingReceived(HOST + " ESMTP starttls4j", true));
    }

    // ---------------------------------------------------------------- a stack that takes only the parameters

    @Test
    void theParametersCarryTheEnginesSettingsWithoutMakingTheEngine() {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        ClientConfig config = ClientConfig.builder(HOST).engineFactory(counting(
                (host, port) -> TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine(host, port), made, released)).build();
        int madeByTheConfig = made.get();
        TransportTls tls = smtpClientUpToGoAhead(config).next().transportTls().orElseThrow();

        SSLParameters parameters = tls.parameters();

        assertThat(parameters.getProtocols()).isNotEmpty().allMatch(TlsVersion.TLS_1_2::admits);
        assertThat(parameters.getServerNames()).containsExactly(new SNIHostName(HOST));
        assertThat(parameters.getEndpointIdentificationAlgorithm()).as("RFC 7817 is checked by the core").isEmpty();
        assertThat(made.get() - madeByTheConfig).as("a probe engine").isOne();
        assertThat(released.get() - madeByTheConfig).as("and it went back to the factory").isOne();
        assertThat(tls.parameters()).as("a fresh copy each time").isNotSameAs(parameters);
    }

    @Test
    void anEngineTheTransportMadeIsSetUpAsTheCoresOwnWhenAdopted() {
        // e.g. Netty's SslHandler made by its SslContext: the floor, SNI and the name check are still the core's
        SSLEngine made = TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine(HOST, 25);
        made.setUseClientMode(true);
        made.setEnabledProtocols(new String[] {"TLSv1.1", "TLSv1.2", "TLSv1.3"});
        SSLParameters web = made.getSSLParameters();
        web.setEndpointIdentificationAlgorithm("HTTPS");
        made.setSSLParameters(web);
        TransportTls tls = smtpClientUpToGoAhead(client(TlsPolicy.REQUIRED).build()).next().transportTls().orElseThrow();

        tls.adopt(made, engine -> true);

        assertThat(made.getEnabledProtocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(made.getSSLParameters().getServerNames()).containsExactly(new SNIHostName(HOST));
        assertThat(made.getSSLParameters().getEndpointIdentificationAlgorithm()).as("RFC 7817 is checked by the core").isEmpty();
    }

    @Test
    void aServerEngineTheTransportMadeLosesTheVersionsBelowTheFloorAndAnEngineWithNoneLeftIsRefused() {
        TransportTls tls = serverUpToGoAhead().transportTls().orElseThrow();
        SSLEngine made = Dialect.serverContext().createSSLEngine();
        made.setUseClientMode(false);
        made.setEnabledProtocols(new String[] {"TLSv1", "TLSv1.3"});

        tls.adopt(made, engine -> true);

        assertThat(made.getEnabledProtocols()).containsExactly("TLSv1.3");
        SSLEngine old = Dialect.serverContext().createSSLEngine();
        old.setEnabledProtocols(new String[] {"TLSv1.1"});
        assertThatThrownBy(() -> serverUpToGoAhead().transportTls().orElseThrow().adopt(old, engine -> true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no TLS version at or above");
    }

    @Test
    void aServerWhoseEngineAskedForNoClientCertificateDoesNotAskTheSessionForOne() throws SSLException {
        // Netty's OpenSSL session answers with an exception and its stack trace: not worth making per connection
        Negotiation awaiting = serverUpToGoAhead();
        SSLEngine engine = awaiting.transportTls().orElseThrow().engine();
        SSLEngine client = TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine(HOST, 25);
        client.setUseClientMode(true);
        EnginePair.handshake(client, engine);
        List<String> asked = new ArrayList<>();

        Transition established = awaiting.onTlsEstablished(recordingPeerCertificates(engine.getSession(), asked), T0);

        assertThat(secured(established.outcome().orElseThrow()).tls().peerCertificates()).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void aServerWhoseStackTookNoEngineOfOursAsksTheSessionForTheClientsCertificates() throws SSLException {
        Negotiation awaiting = serverUpToGoAhead();
        SSLEngine stacks = serverEngine(Dialect.serverContext());
        SSLEngine client = TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine(HOST, 25);
        client.setUseClientMode(true);
        EnginePair.handshake(client, stacks);
        List<String> asked = new ArrayList<>();

        awaiting.onTlsEstablished(recordingPeerCertificates(stacks.getSession(), asked), T0);

        assertThat(asked).containsExactly("getPeerCertificates");
    }

    /** {@code session}, noting every call for the peer's certificates. */
    private static javax.net.ssl.SSLSession recordingPeerCertificates(javax.net.ssl.SSLSession session, List<String> asked) {
        return (javax.net.ssl.SSLSession) java.lang.reflect.Proxy.newProxyInstance(TransportTlsTest.class.getClassLoader(),
                new Class<?>[] {javax.net.ssl.SSLSession.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("getPeerCertificate")) {
                        asked.add(method.getName());
                    }
                    try {
                        return method.invoke(session, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** An SMTP server negotiation that gave the go-ahead and awaits the transport's TLS. */
    private static Negotiation serverUpToGoAhead() {
        Negotiation server = Smtp.server(server(TlsPolicy.REQUIRED).build()).withTransportTls();
        Negotiation greeted = server.begin(T0).next();
        Negotiation helloed = greeted.onReceived(ascii("EHLO client.example\r\n"), T0).next();
        return helloed.onReceived(ascii("STARTTLS\r\n"), T0).next();
    }

    @Test
    void aClientReadingInsideTheTransportsTlsOwnsNoEngineAndCannotKnowOfACloseNotify() throws SSLException {
        Negotiation awaiting = smtpClientUpToGoAhead(client(TlsPolicy.REQUIRED).build()).next();
        SSLEngine engine = awaiting.transportTls().orElseThrow().engine();
        EnginePair.handshake(engine, serverEngine(TestPki.server(Dialect.KEY, HOST).serverContext()));
        Negotiation reading = awaiting.onTlsEstablished(engine.getSession(), T0).next();
        assertThat(reading.state()).startsWith("Tls/");

        reading.onTick(T0);
        Transition ended = reading.onEndOfStream(T0);

        assertThat(reading.isConsumed()).as("the transport's engine is not the negotiation's").isFalse();
        assertThat(failure(ended.outcome().orElseThrow()).message()).contains("without close_notify");
    }

    @Test
    void onceTheEngineIsMadeTheParametersAreItsOwnAndNoProbeIsMade() {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        ClientConfig config = ClientConfig.builder(HOST).engineFactory(counting(
                (host, port) -> TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine(host, port), made, released)).build();
        TransportTls tls = smtpClientUpToGoAhead(config).next().transportTls().orElseThrow();
        assertThat(tls).hasToString("TransportTls[no engine made]");
        SSLEngine engine = tls.engine();
        int madeBefore = made.get();

        SSLParameters parameters = tls.parameters();

        assertThat(tls).hasToString("TransportTls[engine made]");
        assertThat(parameters.getServerNames()).isEqualTo(engine.getSSLParameters().getServerNames());
        assertThat(made.get()).as("no probe engine").isEqualTo(madeBefore);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "IMPLICIT"})
    void aStackMakingItsOwnEnginesWithTheParametersIsSecuredInBothRoles(TlsPolicy policy) {
        ServerConfig serverConfig = server(policy).build();
        SSLContext clientStack = TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY));

        TransportLoopback.Result r = TransportLoopback.run(Smtp.client(client(policy).build()).withTransportTls(), clientStack,
                Smtp.server(serverConfig).withTransportTls(), Dialect.serverContext(), T0, Protocol.SMTP.app(serverConfig));

        assertThat(secured(r.clientOutcome()).capabilities().has("X-AFTER")).isTrue();
        assertThat(secured(r.serverOutcome()).tls().protocol()).isEqualTo(r.serverEngine().getSession().getProtocol());
        assertThat(r.clientEngine().getSSLParameters().getServerNames()).containsExactly(new SNIHostName(HOST));
    }

    @Test
    void aStackThatDoesNotCheckTheNameIsCaughtByTheCoresCheck() {
        // The stack trusts the CA and, given the parameters, leaves the name to the core: its
        // handshake with a certificate for another name succeeds, and the core refuses the session.
        ServerConfig serverConfig = ServerConfig.builder().hostname(HOST)
                .sslContext(TestPki.server(Dialect.KEY, "other.example.test").serverContext()).build();
        SSLContext clientStack = TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY));

        TransportLoopback.Result r = TransportLoopback.run(Smtp.client(client(TlsPolicy.REQUIRED).build()).withTransportTls(), clientStack,
                Smtp.server(serverConfig).withTransportTls(), null, T0, Protocol.SMTP.app(serverConfig));

        Failure failure = failure(r.clientOutcome());
        assertThat(failure.reason()).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
        assertThat(failure.certificateProblem()).contains(CertificateProblem.HOST_MISMATCH);
        assertThat(r.clientEngine().getSession().getProtocol()).as("the stack's handshake did complete").isEqualTo("TLSv1.3");
    }

    // ---------------------------------------------------------------- failures, classified as for the core's own pump

    static Stream<Arguments> badCertificates() {
        return Stream.of(
                Arguments.of("untrusted", TestPki.selfSigned(Dialect.KEY, HOST).serverContext(), CertificateProblem.NOT_TRUSTED),
                Arguments.of("wrong name", TestPki.server(Dialect.KEY, "other.example.test").serverContext(), CertificateProblem.HOST_MISMATCH),
                Arguments.of("expired", TestPki.expiredServer(Dialect.KEY, HOST).serverContext(), CertificateProblem.EXPIRED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCertificates")
    void aBadCertificateFailsTheSameOverTheTransportAsOverTheCoresPump(String what, SSLContext serverContext, CertificateProblem problem) {
        ServerConfig serverConfig = ServerConfig.builder().hostname(HOST).sslContext(serverContext).build();
        ClientConfig clientConfig = client(TlsPolicy.REQUIRED).build();

        TransportLoopback.Result seam = TransportLoopback.run(Smtp.client(clientConfig).withTransportTls(), null,
                Smtp.server(serverConfig).withTransportTls(), null, T0, Protocol.SMTP.app(serverConfig));
        Loopback.Result pump = Loopback.run(Smtp.client(clientConfig), Smtp.server(serverConfig), T0, Protocol.SMTP.app(serverConfig));

        Failure bySeam = failure(seam.clientOutcome());
        Failure byPump = failure(pump.clientOutcome());
        assertThat(bySeam.reason()).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
        assertThat(bySeam.certificateProblem()).contains(problem);
        assertThat(bySeam.certificateProblem()).isEqualTo(byPump.certificateProblem());
        assertThat(bySeam.tlsRptResultType()).isEqualTo(byPump.tlsRptResultType());
    }

    @Test
    void aHandshakeFailureOfTheTransportIsClassifiedWhateverWrapsIt() {
        Negotiation awaiting = smtpClientUpToGoAhead(client(TlsPolicy.REQUIRED).build()).next();

        Transition t = awaiting.onTlsFailed(new RuntimeException("io.netty.handler.codec.DecoderException",
                new SSLException("Received fatal alert: protocol_version")), T0);

        assertThat(failure(t.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(t.outboundBytes()).as("the transport's TLS is the transport's to close").isEmpty();
        Transition other = awaiting.onTlsFailed(new SSLException("handshake_failure"), T0);
        assertThat(failure(other.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
    }

    @Test
    void theClientRefusesATls11SessionTheTransportEstablished() throws SSLException {
        ClientConfig config = ClientConfig.builder(HOST)
                .engineFactory((host, port) -> new IgnoresParameters(LegacyTls.clientEngineAllowingTls11(TestPki.ca(Dialect.KEY))))
                .build();
        Negotiation awaiting = smtpClientUpToGoAhead(config).next();
        SSLEngine engine = awaiting.transportTls().orElseThrow().engine();
        SSLEngine server = LegacyTls.serverEngineCappedAtTls11(TestPki.server(Dialect.KEY, HOST));
        assertThat(EnginePair.handshake(engine, server).protocol()).isEqualTo("TLSv1.1");

        Transition t = awaiting.onTlsEstablished(engine.getSession(), T0);

        assertThat(failure(t.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(failure(t.outcome().orElseThrow()).message()).isEqualTo("TLSv1.1 is below the floor TLSv1.2");
        assertThat(t.events()).noneMatch(e -> e instanceof Event.TlsEstablished);
    }

    @Test
    void theServerRefusesATls11SessionTheTransportEstablished() throws SSLException {
        ServerConfig config = ServerConfig.builder().hostname(HOST)
                .engineFactory((host, port) -> new IgnoresParameters(LegacyTls.serverEngineCappedAtTls11(TestPki.server(Dialect.KEY, HOST))))
                .build();
        Transition t = Smtp.server(config).withTransportTls().begin(T0);
        t = t.next().onReceived(ascii("STARTTLS\r\n"), T0);
        SSLEngine engine = t.next().transportTls().orElseThrow().engine();
        SSLEngine client = LegacyTls.clientEngineAllowingTls11(TestPki.ca(Dialect.KEY));
        assertThat(EnginePair.handshake(client, engine).protocol()).isEqualTo("TLSv1.1");

        Transition last = t.next().onTlsEstablished(engine.getSession(), T0);

        assertThat(failure(last.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
    }

    @Test
    void aPinTheTransportsSessionDoesNotMatchIsRefused() throws SSLException {
        ClientConfig config = client(TlsPolicy.REQUIRED).certificateCheck(CertificateCheck.standardAndPinned("00".repeat(32))).build();
        Negotiation awaiting = smtpClientUpToGoAhead(config).next();
        SSLEngine engine = awaiting.transportTls().orElseThrow().engine();
        EnginePair.handshake(engine, serverEngine(Dialect.serverContext()));

        Transition t = awaiting.onTlsEstablished(engine.getSession(), T0);

        assertThat(failure(t.outcome().orElseThrow()).certificateProblem()).contains(CertificateProblem.PIN_MISMATCH);
    }

    @Test
    void aSessionWhoseHandshakeNeverCompletedIsNotSecured() {
        Negotiation awaiting = smtpClientUpToGoAhead(client(TlsPolicy.REQUIRED).build()).next();

        Transition t = awaiting.onTlsEstablished(awaiting.transportTls().orElseThrow().engine().getSession(), T0);

        assertThat(failure(t.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
        assertThat(t.events()).noneMatch(e -> e instanceof Event.TlsEstablished);
    }

    // ---------------------------------------------------------------- injection, time, end of stream

    @Test
    void bytesAfterTheClientsGoAheadInTheSameReadAreInjection() {
        Transition t = smtpClientUpToCapabilities(client(TlsPolicy.REQUIRED).build());

        t = t.next().onReceived(ascii("220 ready\r\n250 injected\r\n"), T0);

        assertThat(failure(t.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(t.next().transportTls()).isEmpty();
    }

    @Test
    void bytesFedToTheAwaitingClientAreInjectionAndAnEmptyReadIsNothing() {
        Negotiation awaiting = smtpClientUpToGoAhead(client(TlsPolicy.REQUIRED).build()).next();

        Transition nothing = awaiting.onReceived(ByteBuffer.allocate(0), T0);
        Transition injected = nothing.next().onReceived(ascii("250 AUTH PLAIN\r\n"), T0);

        assertThat(nothing.next().state()).isEqualTo("AwaitingTransportTls");
        assertThat(nothing.outboundBytes()).isEmpty();
        Failure failure = failure(injected.outcome().orElseThrow());
        assertThat(failure.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(failure.peerReply()).contains("250 AUTH PLAIN\\x0d\\x0a");
        assertThat(injected.outboundBytes()).isEmpty();
    }

    @Test
    void commandsPipelinedAfterStartTlsAreInjectionAndNoGoAheadIsSent() {
        Transition t = Smtp.server(server(TlsPolicy.REQUIRED).build()).withTransportTls().begin(T0);

        t = t.next().onReceived(ascii("STARTTLS\r\nMAIL FROM:<a@example.test>\r\n"), T0);

        assertThat(failure(t.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(ascii(t.outboundBytes())).doesNotStartWith("220");
    }

    @Test
    void bytesFedToTheAwaitingServerAreInjection() {
        Transition t = Smtp.server(server(TlsPolicy.REQUIRED).build()).withTransportTls().begin(T0);
        t = t.next().onReceived(ascii("STARTTLS\r\n"), T0);

        Transition injected = t.next().onReceived(ascii("MAIL FROM:<a@example.test>\r\n"), T0);

        assertThat(failure(injected.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(injected.outboundBytes()).isEmpty();
    }

    @Test
    void theAwaitingStateTimesOutAtItsDeadlineAndNotBefore() {
        Negotiation awaiting = smtpClientUpToGoAhead(client(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofSeconds(30))).build()).next();
        Instant deadline = awaiting.deadline().orElseThrow();
        assertThat(deadline).isEqualTo(T0.plusSeconds(30));

        Transition early = awaiting.onTick(deadline.minusMillis(1));
        Transition late = early.next().onTick(deadline);

        assertThat(early.next().state()).isEqualTo("AwaitingTransportTls");
        assertThat(early.next().transportTls()).contains(awaiting.transportTls().orElseThrow());
        Failure failure = failure(late.outcome().orElseThrow());
        assertThat(failure.reason()).isEqualTo(Failure.Reason.TIMEOUT);
        assertThat(failure.message()).contains("AwaitingTransportTls");
    }

    @Test
    void theServerAwaitingTheTransportUnderImplicitTlsWaitsForTheFirstCommandOnly() {
        ServerConfig config = server(TlsPolicy.IMPLICIT)
                .timeouts(Timeouts.of(Duration.ofMinutes(5)).withServerWaits(Duration.ofSeconds(10), Duration.ofSeconds(60))).build();

        Negotiation awaiting = Smtp.server(config).withTransportTls().begin(T0).next();

        assertThat(awaiting.deadline()).contains(T0.plusSeconds(10));
    }

    @Test
    void theEndOfTheStreamWhileAwaitingTheTransportIsPeerClosed() {
        Negotiation awaiting = smtpClientUpToGoAhead(client(TlsPolicy.REQUIRED).build()).next();

        Transition t = awaiting.onEndOfStream(T0);

        assertThat(failure(t.outcome().orElseThrow()).reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure(t.outcome().orElseThrow()).message()).contains("AwaitingTransportTls");
    }

    // ---------------------------------------------------------------- ownership and misuse

    @Test
    void theCoreNeverReleasesTheEngineItGaveTheTransport() {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        ClientConfig config = ClientConfig.builder(HOST).engineFactory(counting(
                (host, port) -> TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine(host, port), made, released)).build();
        int releasedByTheConfig = released.get();
        Negotiation awaiting = smtpClientUpToGoAhead(config).next();
        awaiting.transportTls().orElseThrow().engine();

        awaiting.onReceived(ascii("garbage\r\n"), T0);
        awaiting.onEndOfStream(T0);
        awaiting.onTlsFailed(new SSLException("bad"), T0);

        assertThat(released.get()).isEqualTo(releasedByTheConfig);
    }

    @Test
    void theSeamIsChosenBeforeBeginAndReportedOnlyWhileAwaited() {
        Negotiation unstarted = Smtp.client(client(TlsPolicy.REQUIRED).build());
        Transition begun = unstarted.withTransportTls().begin(T0);

        assertThatThrownBy(() -> begun.next().withTransportTls()).isInstanceOf(IllegalStateException.class);
        assertThat(unstarted.transportTls()).isEmpty();
        assertThat(begun.next().transportTls()).isEmpty();
        assertThatThrownBy(() -> begun.next().onTlsEstablished(fakeSession(), T0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AwaitingGreeting");
        assertThatThrownBy(() -> begun.next().onTlsFailed(new SSLException("x"), T0)).isInstanceOf(IllegalStateException.class);
        assertThat(Smtp.client(client(TlsPolicy.REQUIRED).build()).begin(T0).next().transportTls())
                .as("without the seam, nothing to offer").isEmpty();
    }

    @Test
    void withoutTheSeamTheCoresPumpStillRunsTheHandshake() {
        Transition t = smtpClientUpToCapabilities(Smtp.client(client(TlsPolicy.REQUIRED).build()), client(TlsPolicy.REQUIRED).build());

        t = t.next().onReceived(ascii("220 ready\r\n"), T0);

        assertThat(t.next().state()).isEqualTo("Handshaking");
        assertThat(t.outboundBytes()[0]).as("a ClientHello").isEqualTo((byte) 0x16);
        assertThat(t.next().transportTls()).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    static Transition smtpClientUpToCapabilities(ClientConfig config) {
        return smtpClientUpToCapabilities(Smtp.client(config).withTransportTls(), config);
    }

    static Transition smtpClientUpToCapabilities(Negotiation negotiation, ClientConfig config) {
        Transition t = negotiation.begin(T0);
        t = t.next().onReceived(ascii("220 " + HOST + " ESMTP\r\n"), T0);
        t = t.next().onReceived(ascii("250-" + HOST + "\r\n250 STARTTLS\r\n"), T0);
        assertThat(ascii(t.outboundBytes())).isEqualTo("STARTTLS\r\n");
        return t;
    }

    static Transition smtpClientUpToGoAhead(ClientConfig config) {
        Transition t = smtpClientUpToCapabilities(config).next().onReceived(ascii("220 2.0.0 ready\r\n"), T0);
        assertThat(t.next().state()).isEqualTo("AwaitingTransportTls");
        return t;
    }

    static SSLEngine serverEngine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    static javax.net.ssl.SSLSession fakeSession() {
        return TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine().getSession();
    }

    static SecureSession secured(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Secured.class);
        return outcome instanceof Outcome.Secured s ? s.session() : null;
    }

    static Failure failure(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        return outcome instanceof Outcome.Failed f ? f.failure() : null;
    }

    static <E extends Event> List<Event> after(List<Event> events, Class<E> marker) {
        List<Event> after = new ArrayList<>();
        boolean seen = false;
        for (Event e : events) {
            if (seen) {
                after.add(e);
            }
            seen |= marker.isInstance(e);
        }
        return after;
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
