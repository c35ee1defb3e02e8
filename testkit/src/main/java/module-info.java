/**
 * starttls4j test kit: reference mail servers with a throw-away PKI as a JUnit 5 extension,
 * hostile servers that judge a client, hostile clients that judge a server, and jqwik arbitraries
 * for STARTTLS dialogs.
 */
module org.starttls4j.testkit {
    requires transitive org.starttls4j.nio;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires transitive net.jqwik.api;
    // ServerAdapter.NETTY only: an optional dependency
    requires static org.starttls4j.netty;
    requires static io.netty.transport;
    requires static io.netty.buffer;
    requires static io.netty.codec;
    requires static io.netty.handler;
    requires static io.netty.common;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.tls;
    requires org.bouncycastle.util;

    exports org.starttls4j.testkit;
    exports org.starttls4j.testkit.hostile;
    exports org.starttls4j.testkit.checks;
    exports org.starttls4j.testkit.jqwik;
}
