package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * 1,100 connections that send nothing do not silence the server: past its capacity (1,024 by
 * default) a connection gets the busy reply at once, and a fresh client is always answered. No
 * timing: the fresh client's read returns when the server has answered it.
 */
class IdleConnectionsTest {

    @Test
    void aFreshClientIsAnsweredBehind1100IdleConnections() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED).build();
        List<Socket> idle = new ArrayList<>();
        try (NioServer server = NioServer.builder(config, Smtp::server).bind(Fixtures.anyLoopbackPort())
                .onSession(channel -> { }).start()) {
            try {
                for (int i = 0; i < 1100; i++) {
                    idle.add(new Socket(server.localAddress().getAddress(), server.localAddress().getPort()));
                }
                try (Socket fresh = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
                    String answer = ResumeTest.line(fresh.getInputStream());

                    assertThat(answer).matches("220 mail\\.example\\.test ESMTP.*|421 4\\.3\\.2 mail\\.example\\.test Service busy.*");
                }
                // Every idle connection was answered too: greeted, or told the server is busy.
                int busy = 0;
                for (Socket s : idle) {
                    InputStream in = s.getInputStream();
                    String first = ResumeTest.line(in);
                    assertThat(first).matches("220 .*|421 4\\.3\\.2 .*");
                    busy += first.startsWith("421") ? 1 : 0;
                }
                NioServer.Stats stats = server.stats();
                assertThat(stats.negotiating()).isLessThanOrEqualTo(1024);
                assertThat(stats.refused()).isGreaterThanOrEqualTo(busy);
                assertThat(busy).as("the 1,100 idle ones went past the default capacity").isGreaterThanOrEqualTo(1100 - 1024);
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }
}
