/** The SSLEngine pump: handshake, wrap/unwrap, close, certificate classification, session facts. */
package org.starttls4j.tls;
