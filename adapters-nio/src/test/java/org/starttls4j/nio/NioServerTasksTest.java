package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * Where a server's delegated engine tasks run: under {@link DelegatedTasks#HAND_TO_CALLER}, on the
 * server's own task threads (never the JVM's common pool), which end with the server; under the
 * default {@link DelegatedTasks#RUN_INLINE}, on the loop, with no task thread started. The server's
 * key manager is called inside the handshake's delegated task, so it tells the thread.
 */
class NioServerTasksTest {

    /** The threads the server's key manager was called on. */
    private final List<Thread> keyManagerThreads = new CopyOnWriteArrayList<>();

    @Test
    void handedOverTasksRunOnTheServersOwnThreadsWhichEndWithIt() throws Exception {
        ServerConfig config = config(DelegatedTasks.HAND_TO_CALLER);
        ServerHarness server = new ServerHarness(config);
        ExecutorService tasks = server.server.ownTaskExecutor();
        try {
            negotiate(server);
        } finally {
            server.close();
        }

        String prefix = "starttls4j-nio-server-" + server.address().getPort() + "-tasks-";
        assertThat(keyManagerThreads).isNotEmpty().allSatisfy(t -> assertThat(t.getName()).startsWith(prefix));
        assertThat(tasks.isTerminated()).as("shut down and waited for by close()").isTrue();
        for (Thread t : keyManagerThreads) {
            t.join(TimeUnit.SECONDS.toMillis(20)); // a terminated pool's last worker may still be on its way out
            assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
        }
    }

    @Test
    void inlineTasksRunOnTheLoopAndStartNoTaskThread() throws Exception {
        try (ServerHarness server = new ServerHarness(config(DelegatedTasks.RUN_INLINE))) {
            negotiate(server);
            String loop = "starttls4j-nio-server-" + server.address().getPort() + "-loop-";
            assertThat(keyManagerThreads).isNotEmpty().allSatisfy(t -> assertThat(t.getName()).startsWith(loop));
            assertThat(((ThreadPoolExecutor) server.server.ownTaskExecutor()).getLargestPoolSize()).isZero();
        }
    }

    @Test
    void anExecutorGivenToTheServerIsTheApplicationsToShutDown() throws Exception {
        ExecutorService given = Executors.newFixedThreadPool(2);
        try {
            try (ServerHarness server = new ServerHarness(config(DelegatedTasks.HAND_TO_CALLER), b -> b.taskExecutor(given))) {
                assertThat(server.server.ownTaskExecutor()).isNull();
                negotiate(server);
            }
            assertThat(given.isShutdown()).isFalse();
            assertThat(keyManagerThreads).isNotEmpty().allSatisfy(t -> assertThat(t.getName()).startsWith("pool-"));
        } finally {
            given.shutdownNow();
            assertThat(given.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void negotiate(ServerHarness server) throws Exception {
        try (NegotiatedChannel channel = NioClient.create().connect(server.address(),
                Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
            assertThat(channel.isEncrypted()).isTrue();
        }
        assertThat(server.nextServed()).isNotNull();
    }

    private ServerConfig config(DelegatedTasks tasks) throws Exception {
        return Fixtures.server(TlsPolicy.REQUIRED).sslContext(Fixtures.serverContext(Recording::new)).delegatedTasks(tasks).build();
    }

    private final class Recording extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager real;

        Recording(X509ExtendedKeyManager real) {
            this.real = real;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            keyManagerThreads.add(Thread.currentThread());
            return real.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return real.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return real.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return real.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return real.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return real.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return real.getPrivateKey(alias);
        }
    }
}
