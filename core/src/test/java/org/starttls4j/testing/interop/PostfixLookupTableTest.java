package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import org.junit.jupiter.api.Test;

/**
 * The {@code tcp_table(5)} fixture the Postfix interop tests route through, checked without
 * Postfix: its encoding round-trips, and over loopback it answers {@code get} the way Postfix's
 * client expects (several requests on one connection, {@code 200}/{@code 500}, bounded lines).
 */
class PostfixLookupTableTest {

    @Property
    void encodingRoundTripsAndNeverLeavesWhitespaceOrPercent(@ForAll @CharRange(from = 0, to = 255) String text) {
        String encoded = PostfixLookupTable.encode(text);
        assertThat(encoded).doesNotContainPattern("[\\s\\x00-\\x1f\\x7f-\\xff]");
        assertThat(encoded.replaceAll("%[0-9A-F]{2}", "")).doesNotContain("%");
        assertThat(PostfixLookupTable.decode(encoded)).isEqualTo(text);
    }

    @Test
    void decodesPostfixsEncodingInAnyCase() {
        assertThat(PostfixLookupTable.decode("a%20b%2fc%2Fd")).isEqualTo("a b/c/d");
    }

    @Test
    void answersSeveralLookupsOnOneConnection() throws IOException {
        try (PostfixLookupTable table = PostfixLookupTable.start(
                key -> key.equals("alice@p1.relay.test") ? Optional.of("smtp:[127.0.0.1]:1") : Optional.empty());
             Socket socket = new Socket(FreePort.LOOPBACK, table.port())) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            out.write("get alice%40p1.relay.test\nget p1.relay.test\nput x y\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).isEqualTo("200 smtp:[127.0.0.1]:1");
            assertThat(in.readLine()).isEqualTo("500 not found");
            assertThat(in.readLine()).startsWith("400 ");
            assertThat(table.mapName()).isEqualTo("tcp:127.0.0.1:" + table.port());
        }
    }

    @Test
    void refusesARequestLongerThanTheProtocolAllows() throws IOException {
        try (PostfixLookupTable table = PostfixLookupTable.start(key -> Optional.of("never"));
             Socket socket = new Socket(FreePort.LOOPBACK, table.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("get " + "x".repeat(5000) + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("400 request too long");
            assertThat(in.readLine()).as("and hangs up").isNull();
        }
    }
}
