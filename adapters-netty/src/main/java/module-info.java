/** starttls4j in a Netty pipeline: client and server ChannelHandlers. */
module org.starttls4j.netty {
    requires transitive org.starttls4j.core;
    requires transitive io.netty.handler; // BoringSsl takes and makes SslContexts
    // ResponseDecoder extends ByteToMessageDecoder; resume removes the application's byte
    // decoders, whose buffers may hold plaintext.
    requires transitive io.netty.codec;
    requires transitive io.netty.transport; // the handlers extend ChannelDuplexHandler
    requires transitive io.netty.buffer; // ResponseDecoder.decode takes a ByteBuf
    requires transitive io.netty.common; // StartTlsServerHandler.serverNames takes its Mapping and AsyncMapping
    // BoringSsl.refuseRenegotiation: only touched when a BoringSSL engine, hence tcnative, is there.
    requires static io.netty.tcnative.classes.openssl;
    exports org.starttls4j.netty;
}
