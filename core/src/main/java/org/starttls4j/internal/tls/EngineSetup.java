package org.starttls4j.internal.tls;

import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.util.function.Predicate;

/**
 * Puts the negotiation's rules onto an engine, whoever made it: the role, the version floor
 * (nothing older can be enabled) and SNI. The engine's own endpoint identification is switched
 * off: the host name is checked by RFC 7817 ({@link HostNames}), during the handshake by the
 * trust manager of a context the configuration built, after it for any other engine.
 */
public final class EngineSetup {

    private EngineSetup() {
    }

    /**
     * The oldest TLS version a negotiation accepts, as the inside reads
     * {@link org.starttls4j.TlsVersion}.
     *
     * @param jsseName the version's JSSE name, e.g. {@code "TLSv1.2"}
     * @param admits   whether a JSSE protocol name is that version or newer
     */
    public record Floor(String jsseName, Predicate<String> admits) {
    }

    /**
     * Configures a client engine.
     *
     * @param engine     a new engine, created for {@code serverName}
     * @param serverName the name for SNI and hostname verification
     * @param floor      the oldest version to enable
     * @return the engine
     * @throws IllegalStateException if the engine supports no version at or above the floor
     */
    public static SSLEngine client(SSLEngine engine, String serverName, Floor floor) {
        engine.setUseClientMode(true);
        SSLParameters parameters = onlyWhatWeChange(engine, floor);
        // The JDK's "HTTPS" identification follows the web's wildcard rules, not RFC 7817's. The
        // empty name switches an engine's own setting off: the JDK keeps it when given null.
        parameters.setEndpointIdentificationAlgorithm("");
        if (isHostName(serverName)) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            } catch (IllegalArgumentException notAnSniName) {
                // a name SNI cannot carry (e.g. with an underscore); the handshake goes on without SNI
            }
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * Configures a server engine.
     *
     * @param engine a new engine holding the server's key
     * @param floor  the oldest version to enable
     * @return the engine
     */
    public static SSLEngine server(SSLEngine engine, Floor floor) {
        engine.setUseClientMode(false);
        // A server has nothing to change but the versions: no SNI to send, no name to check. The
        // engine's parameters are not read at all (a copy of every list, ~1.4 KB on an OpenSSL engine).
        String[] enabled = engine.getEnabledProtocols();
        String[] atOrAbove = protocolsAtOrAbove(enabled, floor);
        if (atOrAbove != enabled) {
            engine.setEnabledProtocols(atOrAbove);
        }
        return engine;
    }

    /**
     * The engine's parameters with the versions below the floor dropped, and with the cipher suites
     * (and the versions, when none is dropped) left out: {@code setSSLParameters} leaves alone what
     * is null. Handing an engine back its own lists is not free: Netty's OpenSSL engine turns
     * {@code setEnabledCipherSuites} into a cipher list of the connection's own in C memory, where
     * it would otherwise share its context's.
     */
    private static SSLParameters onlyWhatWeChange(SSLEngine engine, Floor floor) {
        SSLParameters parameters = engine.getSSLParameters();
        String[] enabled = engine.getEnabledProtocols();
        String[] atOrAbove = protocolsAtOrAbove(enabled, floor);
        parameters.setProtocols(atOrAbove == enabled ? null : atOrAbove);
        parameters.setCipherSuites(null);
        return parameters;
    }

    /**
     * Checks that an engine enables a TLS version at or above the floor, so that a configuration
     * can refuse a factory that never could negotiate when it is built, not at the first STARTTLS.
     *
     * @param engine an engine from the factory, not used for anything else
     * @param floor  the oldest version the configuration accepts
     * @param what   the setting that made the factory, for the message
     * @throws IllegalStateException if the engine enables no version at or above the floor
     */
    public static void requireVersionAtOrAbove(SSLEngine engine, Floor floor, String what) {
        try {
            protocolsAtOrAbove(engine.getEnabledProtocols(), floor);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(what + ": " + e.getMessage() + "; enable " + floor.jsseName()
                    + ("TLSv1.2".equals(floor.jsseName()) ? " or TLSv1.3" : "") + " on its engines (setEnabledProtocols)", e);
        }
    }

    /**
     * The engine's enabled protocols at or above the floor: a factory may narrow the versions
     * further (say, to TLS 1.3 only) but nothing can widen them below the floor. {@code enabled}
     * itself when none is below it.
     */
    private static String[] protocolsAtOrAbove(String[] enabled, Floor floor) {
        // enabled is not written to: an engine may hand out its own array
        int allowed = 0;
        for (String protocol : enabled) {
            if (floor.admits().test(protocol)) {
                allowed++;
            }
        }
        if (allowed == 0) {
            throw new IllegalStateException("the engine enables no TLS version at or above " + floor.jsseName()
                    + " (enabled: " + String.join(", ", enabled) + ")");
        }
        if (allowed == enabled.length) {
            return enabled; // the usual case: the factory enabled nothing below the floor
        }
        String[] atOrAbove = new String[allowed];
        int i = 0;
        for (String protocol : enabled) {
            if (floor.admits().test(protocol)) {
                atOrAbove[i++] = protocol;
            }
        }
        return atOrAbove;
    }

    private static boolean isHostName(String name) {
        // a leading dot is left to SNIHostName to refuse
        return !name.contains(":") && !isIpv4(name) && name.contains(".");
    }

    /**
     * Four groups of one to three digits, separated by dots (checked by hand: a regex costs a
     * matcher per engine). A fifth group counts on, and fails the final count.
     */
    static boolean isIpv4(String name) {
        int groups = 0;
        int digits = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return groups == 3 && digits > 0;
    }
}
