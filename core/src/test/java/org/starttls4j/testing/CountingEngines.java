package org.starttls4j.testing;

import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.starttls4j.EngineFactory;

/** An {@link EngineFactory} that counts the engines it makes and the ones handed back to it. */
public final class CountingEngines {

    private CountingEngines() {
    }

    /**
     * {@code inner}'s engines, each counted in {@code made}; each {@link EngineFactory#release}
     * counted in {@code released} (and nothing else done: a JDK engine needs no release).
     *
     * @param inner    what makes the engines
     * @param made     counts {@link EngineFactory#create} calls
     * @param released counts {@link EngineFactory#release} calls
     * @return the counting factory
     */
    public static EngineFactory counting(EngineFactory inner, AtomicInteger made, AtomicInteger released) {
        return new EngineFactory() {
            @Override
            public SSLEngine create(String peerHost, int peerPort) {
                made.incrementAndGet();
                return inner.create(peerHost, peerPort);
            }

            @Override
            public void release(SSLEngine engine) {
                released.incrementAndGet();
            }
        };
    }
}
