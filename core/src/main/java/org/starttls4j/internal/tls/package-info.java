/**
 * The inside of the TLS step, not exported: the SSLEngine pump, engine setup, handshake-failure and
 * certificate classification, host-name matching, session facts. The public face of what users
 * legitimately need from here is {@link org.starttls4j.Certificates}.
 */
package org.starttls4j.internal.tls;
