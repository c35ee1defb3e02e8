package org.starttls4j;

import java.util.Optional;

/**
 * The TLS versions a floor may name. SSLv2, SSLv3, TLS 1.0 and TLS 1.1 are deliberately absent:
 * they are deprecated (RFC 8996) and can never be enabled through this library.
 */
public enum TlsVersion {
    /** TLS 1.2 (RFC 5246), the default floor. */
    TLS_1_2("TLSv1.2"),
    /** TLS 1.3 (RFC 8446). */
    TLS_1_3("TLSv1.3");

    /** {@link #values()} copies its array on every call; this is read on every handshake. */
    private static final TlsVersion[] VERSIONS = values();

    private final String jsseName;
    /** This version as a floor for the inside's engine setup: immutable, so made once, not per engine. */
    private final org.starttls4j.internal.tls.EngineSetup.Floor floor;

    TlsVersion(String jsseName) {
        this.jsseName = jsseName;
        this.floor = new org.starttls4j.internal.tls.EngineSetup.Floor(jsseName, this::admits);
    }

    /**
     * The protocol name as JSSE spells it, e.g. {@code "TLSv1.3"}.
     *
     * @return the protocol name as JSSE spells it, e.g
     */
    public String jsseName() {
        return jsseName;
    }

    /**
     * The version JSSE calls {@code name}, if it is one this library allows.
     *
     * @param name a protocol name as JSSE spells it, e.g. {@code "TLSv1.3"}
     * @return the version JSSE calls {@code name}, if it is one this library allows
     */
    public static Optional<TlsVersion> fromJsseName(String name) {
        for (TlsVersion v : VERSIONS) {
            if (v.jsseName.equals(name)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code jsseProtocol} (e.g. {@code "TLSv1.1"}) is this version or newer.
     *
     * @param jsseProtocol a protocol as JSSE names it, e.g. {@code "TLSv1.1"}
     * @return whether this version admits {@code jsseProtocol}
     */
    public boolean admits(String jsseProtocol) {
        for (TlsVersion v : VERSIONS) {
            if (v.jsseName.equals(jsseProtocol)) {
                return v.compareTo(this) >= 0;
            }
        }
        return false;
    }

    /** This floor as the inside's engine setup reads it. */
    org.starttls4j.internal.tls.EngineSetup.Floor floor() {
        return floor;
    }
}
