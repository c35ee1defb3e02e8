package org.starttls4j.testing;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * An engine that claims to enable TLS 1.2 only and ignores every version and cipher suite set on
 * it: what an engine from a careless factory (or a provider with its own ideas) would do. With it,
 * the negotiation's engine setup has no effect, so whatever version the engine really speaks is
 * left to the check after the handshake.
 */
public final class IgnoresParameters extends DelegatingEngine {

    private static final String[] CLAIMED = {"TLSv1.2"};

    /**
     * Wraps {@code inner}, whose own versions decide the handshake.
     *
     * @param inner the engine that really negotiates
     */
    public IgnoresParameters(SSLEngine inner) {
        super(inner);
    }

    @Override
    public String[] getSupportedProtocols() {
        return CLAIMED.clone();
    }

    @Override
    public String[] getEnabledProtocols() {
        return CLAIMED.clone();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        // ignored, on purpose
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        // ignored, on purpose
    }

    @Override
    public SSLParameters getSSLParameters() {
        return new SSLParameters(getEnabledCipherSuites(), getEnabledProtocols());
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        // ignored, on purpose
    }
}
