package org.starttls4j.testing;

import java.security.Principal;
import java.security.cert.Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * An engine whose sessions report {@code claimed} as their protocol, whatever was negotiated: a
 * test seam that blinds the version check the negotiation makes after the handshake, so that a
 * test sees what the engine setup alone refuses. Everything else is the real engine's.
 */
public final class MisreportsVersion extends DelegatingEngine {

    private final String claimed;

    /**
     * Wraps {@code inner}.
     *
     * @param inner   the engine that really negotiates
     * @param claimed the protocol its sessions report, e.g. {@code "TLSv1.2"}
     */
    public MisreportsVersion(SSLEngine inner, String claimed) {
        super(inner);
        this.claimed = claimed;
    }

    @Override
    public SSLSession getSession() {
        return new Claiming(inner.getSession(), claimed);
    }

    @Override
    public SSLSession getHandshakeSession() {
        SSLSession session = inner.getHandshakeSession();
        return session == null ? null : new Claiming(session, claimed);
    }

    /** A session that is {@code real} in all but its protocol. */
    private record Claiming(SSLSession real, String protocol) implements SSLSession {
        @Override
        public String getProtocol() {
            return protocol;
        }

        @Override
        public byte[] getId() {
            return real.getId();
        }

        @Override
        public SSLSessionContext getSessionContext() {
            return real.getSessionContext();
        }

        @Override
        public long getCreationTime() {
            return real.getCreationTime();
        }

        @Override
        public long getLastAccessedTime() {
            return real.getLastAccessedTime();
        }

        @Override
        public void invalidate() {
            real.invalidate();
        }

        @Override
        public boolean isValid() {
            return real.isValid();
        }

        @Override
        public void putValue(String name, Object value) {
            real.putValue(name, value);
        }

        @Override
        public Object getValue(String name) {
            return real.getValue(name);
        }

        @Override
        public void removeValue(String name) {
            real.removeValue(name);
        }

        @Override
        public String[] getValueNames() {
            return real.getValueNames();
        }

        @Override
        public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
            return real.getPeerCertificates();
        }

        @Override
        public Certificate[] getLocalCertificates() {
            return real.getLocalCertificates();
        }

        @Override
        public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
            return real.getPeerPrincipal();
        }

        @Override
        public Principal getLocalPrincipal() {
            return real.getLocalPrincipal();
        }

        @Override
        public String getCipherSuite() {
            return real.getCipherSuite();
        }

        @Override
        public String getPeerHost() {
            return real.getPeerHost();
        }

        @Override
        public int getPeerPort() {
            return real.getPeerPort();
        }

        @Override
        public int getPacketBufferSize() {
            return real.getPacketBufferSize();
        }

        @Override
        public int getApplicationBufferSize() {
            return real.getApplicationBufferSize();
        }
    }
}
