package org.starttls4j.testkit;

import org.junit.jupiter.api.Test;
import org.starttls4j.testkit.hostile.HostileRun;
import org.starttls4j.testkit.hostile.HostileScenario;
import org.starttls4j.testkit.hostile.HostileServer;

class ExploreHostile {
    @Test
    void explore() throws Exception {
        for (MailProtocol p : MailProtocol.values()) {
            for (HostileScenario s : HostileScenario.forProtocol(p)) {
                long t0 = System.nanoTime();
                try (HostileServer server = HostileServer.start(p, s)) {
                    String error = "ok";
                    try {
                        JakartaMail.session(p, server.host(), server.port(), server.clientContext());
                    } catch (Exception e) {
                        error = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).split("\n")[0];
                    }
                    HostileRun run = server.run();
                    System.out.println("ROW " + p + " " + s + " -> " + run.verdict() + " | " + error + " | " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                    if (!run.isSafe() || s == HostileScenario.RESPONSE_INJECTION) {
                        System.out.println(run);
                    }
                }
            }
        }
    }
}
