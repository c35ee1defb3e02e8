package org.starttls4j.testkit.internal;

import java.net.InetSocketAddress;

/** What moves a reference server's bytes: {@link NioTransport} or {@link NettyTransport}. */
public interface Transport extends AutoCloseable {

    /**
     * Where it listens.
     *
     * @return the address, with the actual port
     */
    InetSocketAddress localAddress();

    /** Stops listening and closes every connection. */
    @Override
    void close();
}
