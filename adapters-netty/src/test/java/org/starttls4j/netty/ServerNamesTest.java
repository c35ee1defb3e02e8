package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.Mapping;
import io.netty.util.DomainWildcardMappingBuilder;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.CertificateProblem;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * A Netty server with two names and two certificates ({@link StartTlsServerHandler#serverNames}):
 * at the go-ahead Netty's {@code SniHandler} picks the context for the name in the client's
 * ClientHello, or the default for a name it does not know, and leaves an {@code SslHandler}; the
 * negotiation checks the session as usual and fires one completion event.
 */
class ServerNamesTest {

    static final String MAIL = Fixtures.HOST; // the configuration's own name, and the default context's
    static final String MX = "mx.example.org";

    private final Fixtures.Recorder clientApp = new Fixtures.Recorder();
    private final Fixtures.Recorder serverApp = new Fixtures.Recorder();
    private final Fixtures.Channels channels = new Fixtures.Channels();

    @AfterEach
    void tearDown() {
        channels.releaseAll();
    }

    enum Provider { JDK, OPENSSL }

    static SslContext context(String name, Provider provider) throws SSLException {
        if (provider == Provider.OPENSSL) {
            Fixtures.requireOpenSsl();
        }
        Identity id = TestPki.server(Fixtures.KEY_TYPE, name);
        return SslContextBuilder.forServer(id.key(), id.chain())
                .sslProvider(provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL).build();
    }

    static Mapping<String, SslContext> twoNames(Provider provider) throws SSLException {
        SslContext mail = context(MAIL, provider);
        return new DomainWildcardMappingBuilder<>(mail).add(MAIL, mail).add(MX, context(MX, provider)).build();
    }

    static ClientConfig clientFor(String name) {
        return ClientConfig.builder(name).policy(TlsPolicy.REQUIRED).trustAnchors(List.of(TestPki.ca(Fixtures.KEY_TYPE))).build();
    }

    EmbeddedChannel server(Mapping<String, SslContext> contexts, ServerConfig config) {
        Responder responder = new Responder(MailProtocol.SMTP, config);
        return channels.open(new StartTlsServerHandler(config, Smtp::server).serverNames(contexts),
                new ResponderHandler(responder), serverApp);
    }

    static boolean certifies(X509Certificate leaf, String name) throws Exception {
        return leaf.getSubjectAlternativeNames().stream().anyMatch(san -> name.equals(san.get(1)));
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void eachNameGetsItsOwnCertificateAndTheSessionIsChecked(Provider provider) throws Exception {
        for (String name : List.of(MAIL, MX)) {
            Fixtures.Recorder clientApp = new Fixtures.Recorder();
            Fixtures.Recorder serverApp = new Fixtures.Recorder();
            ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED);
            Responder responder = new Responder(MailProtocol.SMTP, config);
            EmbeddedChannel server = channels.open(new StartTlsServerHandler(config, Smtp::server).serverNames(twoNames(provider)),
                    new ResponderHandler(responder), serverApp);
            EmbeddedChannel client = channels.open(new StartTlsClientHandler(clientFor(name), Smtp::client), clientApp);

            Fixtures.pump(client, server);

            StartTlsCompletionEvent.Secured secured = clientApp.completion(StartTlsCompletionEvent.Secured.class);
            assertThat(certifies(secured.tls().peerCertificates().get(0), name)).as("the client got %s's certificate", name).isTrue();
            StartTlsCompletionEvent.Secured atServer = serverApp.completion(StartTlsCompletionEvent.Secured.class);
            assertThat(certifies(atServer.tls().localCertificates().get(0), name)).as("the server's facts say so too").isTrue();
            assertThat(atServer.tls().protocol()).satisfies(p -> assertThat(TlsVersion.TLS_1_2.admits(p)).isTrue());
            SslHandler tls = server.pipeline().get(SslHandler.class);
            assertThat(tls).as("the SniHandler replaced itself with an SslHandler").isNotNull();
            assertThat(server.pipeline().get(SniHandler.class)).isNull();
            assertThat(server.pipeline().get(StartTlsServerHandler.class)).isNull();
            assertThat(tls.engine() instanceof ReferenceCountedOpenSslEngine).isEqualTo(provider == Provider.OPENSSL);
            assertThat(serverApp.otherEvents).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(SniCompletionEvent.class,
                    sni -> assertThat(sni.hostname()).isEqualTo(name)));
            assertThat(serverApp.order.indexOf("completion:Secured"))
                    .as("Netty's handshake event before the one completion event")
                    .isGreaterThan(indexOfHandshakeEvent(serverApp));

            client.writeAndFlush(Fixtures.ascii("NOOP\r\n"));
            Fixtures.pump(client, server);
            assertThat(clientApp.received()).isEqualTo("250 2.0.0 Ok\r\n");
        }
    }

    private static int indexOfHandshakeEvent(Fixtures.Recorder app) {
        for (int i = 0; i < app.order.size(); i++) {
            if (app.order.get(i).startsWith("event:" + SslHandshakeCompletionEvent.SUCCESS)) {
                return i;
            }
        }
        throw new AssertionError("no handshake event in " + app.order);
    }

    /** Keeps the certificate the server's SslHandler sent, when its handshake ends. */
    static final class SentCertificate extends ChannelInboundHandlerAdapter {
        X509Certificate sent;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent) {
                sent = (X509Certificate) ctx.pipeline().get(SslHandler.class).engine().getSession().getLocalCertificates()[0];
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Test
    void anUnknownNameGetsTheDefaultContextsCertificateAndTheClientRefusesIt() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED);
        SentCertificate sent = new SentCertificate();
        EmbeddedChannel server = channels.open(new StartTlsServerHandler(config, Smtp::server).serverNames(twoNames(Provider.JDK)),
                sent, serverApp);
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(clientFor("unknown.example.net"), Smtp::client), clientApp);

        Fixtures.pump(client, server);

        Failure failure = clientApp.completion(StartTlsCompletionEvent.Failed.class).failure();
        assertThat(failure.certificateProblem()).contains(CertificateProblem.HOST_MISMATCH);
        assertThat(serverApp.otherEvents).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(SniCompletionEvent.class,
                sni -> assertThat(sni.hostname()).isEqualTo("unknown.example.net")));
        assertThat(certifies(sent.sent, MAIL)).as("the default context's certificate").isTrue();
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void aMappingThatFailsFailsTheNegotiationAsAFailedHandshake() {
        Mapping<String, SslContext> broken = name -> {
            throw new IllegalStateException("no context for " + name);
        };
        EmbeddedChannel server = server(broken, Fixtures.server(TlsPolicy.REQUIRED));
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(clientFor(MX), Smtp::client), clientApp);

        Fixtures.pump(client, server);

        Failure failure = serverApp.completion(StartTlsCompletionEvent.Failed.class).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
        assertThat(serverApp.exceptions).as("reported as the Failed event, not again as an exception").isEmpty();
        assertThat(serverApp.otherEvents).as("Netty's event, once").singleElement().isInstanceOf(SniCompletionEvent.class);
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void contextsWithVersionsBelowTheFloorOfferOnlyThoseAtOrAboveIt() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.JDK).tlsFloor(TlsVersion.TLS_1_3).build();
        SslContext both = SslContextBuilder.forServer(TestPki.server(Fixtures.KEY_TYPE, MX).key(), TestPki.server(Fixtures.KEY_TYPE, MX).chain())
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").build();
        EmbeddedChannel server = server(name -> both, config);
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(clientFor(MX), Smtp::client), clientApp);

        Fixtures.pump(client, server);

        assertThat(server.pipeline().get(SslHandler.class).engine().getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(serverApp.completion(StartTlsCompletionEvent.Secured.class).tls().protocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void serverNamesGoBeforeTheGoAhead() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED);
        StartTlsServerHandler handler = new StartTlsServerHandler(config, Smtp::server);
        EmbeddedChannel server = channels.open(handler, new ResponderHandler(new Responder(MailProtocol.SMTP, config)), serverApp);
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(clientFor(MAIL), Smtp::client), clientApp);
        Fixtures.pump(client, server);
        assertThat(serverApp.completion()).isInstanceOf(StartTlsCompletionEvent.Secured.class);

        assertThatThrownBy(() -> handler.serverNames(twoNames(Provider.JDK))).isInstanceOf(IllegalStateException.class);
    }
}
