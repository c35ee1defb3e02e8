/**
 * Loopback interop with software no one here wrote, shared by every adapter (it ships in the
 * core's test-jar).
 *
 * <p><b>What an adapter provides</b> — two small values, and nothing else:
 * <ul>
 *   <li>{@link org.starttls4j.testing.interop.StartTlsServers}: start a starttls4j server for a
 *       {@link org.starttls4j.testing.interop.MailProtocol} and a
 *       {@link org.starttls4j.ServerConfig} on 127.0.0.1, answering each handed-over session with
 *       a {@link org.starttls4j.testing.interop.Responder} (passing it the session and the
 *       negotiation's events) and reporting failed negotiations to it;</li>
 *   <li>{@link org.starttls4j.testing.interop.StartTlsClients}: connect a starttls4j client and
 *       return the negotiation's events ({@link org.starttls4j.testing.interop.ClientReport}) and
 *       a line-oriented view of the handed-over connection.</li>
 * </ul>
 * The NIO adapter's glue is {@code org.starttls4j.nio.interop.NioInterop}; the Netty adapter's is
 * the same two values over its handlers.
 *
 * <p><b>What the scenarios do</b> — each method is a complete test that starts what it needs and
 * checks what crossed the wire on both ends (TLS version, certificate, the first command after
 * STARTTLS answered inside TLS, post-TLS capabilities, nothing but the negotiation in plaintext):
 * <ul>
 *   <li>{@link org.starttls4j.testing.interop.RealClientScenarios}: {@code openssl s_client}
 *       ({@link org.starttls4j.testing.interop.OpenSslClient}) and {@code curl}
 *       ({@link org.starttls4j.testing.interop.CurlClient}) against the adapter's server, for SMTP,
 *       IMAP and POP3 under REQUIRED, OPPORTUNISTIC and IMPLICIT;</li>
 *   <li>{@link org.starttls4j.testing.interop.GnuTlsScenarios}: GnuTLS, a third TLS stack —
 *       {@code gnutls-cli} ({@link org.starttls4j.testing.interop.GnuTlsClient}) STARTTLS and
 *       implicit TLS into the adapter's server (TLS 1.3, 1.2 only, below the floor, KeyUpdate,
 *       renegotiation, resumption), and the adapter's client against {@code gnutls-serv}
 *       ({@link org.starttls4j.testing.interop.GnuTlsServer});</li>
 *   <li>{@link org.starttls4j.testing.interop.DovecotScenarios}: the adapter's client against a
 *       private {@link org.starttls4j.testing.interop.DovecotServer} (IMAP STARTTLS, POP3 STLS,
 *       IMAPS, POP3S);</li>
 *   <li>{@link org.starttls4j.testing.interop.PostfixClientScenarios} and
 *       {@link org.starttls4j.testing.interop.PostfixRelayScenarios}: both directions with a private
 *       {@link org.starttls4j.testing.interop.PostfixServer} — the adapter's client against its
 *       smtpd ({@code none}/{@code may}/{@code encrypt}, ECDSA/RSA, TLS 1.3/1.2), and its smtp
 *       client ({@code secure}/{@code verify}) delivering to the adapter's server
 *       ({@link org.starttls4j.testing.interop.PostfixInteropContract} runs them all).</li>
 * </ul>
 * The Jakarta Mail and SubEthaSMTP scenarios need libraries the core does not depend on, even in
 * tests; they live beside the NIO tests ({@code org.starttls4j.nio.interop}), written against the
 * same two interfaces so that they can move here (or to a shared test module) unchanged.
 *
 * <p><b>Tools</b> — {@code openssl}, {@code curl}, GnuTLS's {@code gnutls-cli} and {@code gnutls-serv}, Dovecot and
 * Postfix come from Debian packages installed
 * by {@code .ci/install-interop-tools} (CI runs it from {@code .ci/run}). A missing tool fails the
 * test with a message naming that script ({@link org.starttls4j.testing.interop.ExternalTool});
 * nothing is skipped. Every external process runs with a bounded wait and is killed, with its
 * children, when the time is up; no test sleeps.
 *
 * <p>The core's own tests never use this package: the core opens no sockets.
 */
package org.starttls4j.testing.interop;
