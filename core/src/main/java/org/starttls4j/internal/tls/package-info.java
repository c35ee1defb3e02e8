/**
 * The inside of the TLS step, not exported: the SSLEngine pump, engine setup, handshake-failure and
 * certificate classification (in its own terms, {@link org.starttls4j.internal.tls.TlsFailure} and
 * {@link org.starttls4j.internal.tls.Problem}, which the root names publicly in one place), host-name
 * matching. It depends on the JDK alone: the public face uses it, never the reverse
 * ({@code PackageGraphTest}). The public face of what users legitimately need from here is
 * {@link org.starttls4j.Certificates}.
 */
package org.starttls4j.internal.tls;
