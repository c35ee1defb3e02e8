/** starttls4j over java.nio channels: blocking and selector-driven, client and server. */
module org.starttls4j.nio {
    requires transitive org.starttls4j.core;
    exports org.starttls4j.nio;
}
