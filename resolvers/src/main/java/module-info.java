/**
 * starttls4j resolvers: the DNS and HTTPS lookups behind the core's MTA-STS, DANE and TLS-RPT
 * decisions. Depends on the core and dnsjava.
 */
module org.starttls4j.resolvers {
    requires transitive org.starttls4j.core;
    requires org.dnsjava;
    requires java.net.http;
    exports org.starttls4j.resolvers;
}
