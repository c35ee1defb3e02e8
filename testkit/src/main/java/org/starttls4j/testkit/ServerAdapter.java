package org.starttls4j.testkit;

/** Which of the library's adapters moves a {@link ReferenceServer}'s bytes. */
public enum ServerAdapter {
    /** {@code org.starttls4j.nio}: {@code NioServer}, a worker thread per connection handed over. */
    NIO,
    /** {@code org.starttls4j.netty}: {@code StartTlsServerHandler} in a Netty pipeline (needs {@code starttls4j-netty}). */
    NETTY
}
