package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code starttls4j serve smtp --hostile …}: the test kit's hostile server, each client's verdict printed as it leaves. */
class ServeHostileCommandTest {

    @Test
    void aClientThatLogsInWhenStartTlsIsStrippedIsReportedUnsafeWithThePassword() throws Exception {
        StringBuffer out = new StringBuffer();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        CompletableFuture<Void> judged = new CompletableFuture<>();
        Writer watching = watching(out, listening, judged, "CREDENTIALS_IN_PLAINTEXT:");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        Commands.Io io = new Commands.Io(new PrintWriter(watching, true), new PrintWriter(new StringWriter(), true), Style.PLAIN, stop);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> Main.run(new String[] {"serve", "smtp", "--port", "0", "--hostile", "starttls-stripped"}, io));
        listening.get(30, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(out);
        assertThat(m.find()).as(out.toString()).isTrue();
        assertThat(out.toString()).contains("starttls_stripped: STARTTLS not announced", "trust ", ".pem");

        try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream o = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220");
            o.write("EHLO careless\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()).startsWith("250-")) {
                assertThat(line).isNotEqualTo("250-STARTTLS");
            }
            o.write("AUTH PLAIN AGNhcmVsZXNzAGh1bnRlcjI=\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("235");
            assertThat(in.readLine()).startsWith("221");
        }
        judged.get(30, TimeUnit.SECONDS);
        stop.complete(null);

        assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).contains("starttls_stripped        UNSAFE [CREDENTIALS_IN_PLAINTEXT, CONTINUED_WITHOUT_TLS]",
                "user careless, password hunter2");
    }

    @Test
    void onAnImplicitTlsPortAClientThatAcceptsAnExpiredCertificateIsReportedUnsafe() throws Exception {
        StringBuffer out = new StringBuffer();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        CompletableFuture<Void> judged = new CompletableFuture<>();
        Writer watching = watching(out, listening, judged, "ACCEPTED_BAD_CERTIFICATE:");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        Commands.Io io = new Commands.Io(new PrintWriter(watching, true), new PrintWriter(new StringWriter(), true), Style.PLAIN, stop);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> Main.run(new String[] {"serve", "imap", "--port", "0", "--implicit", "--hostile", "expired-certificate"}, io));
        listening.get(30, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(out);
        assertThat(m.find()).as(out.toString()).isTrue();
        assertThat(out.toString()).contains("--hostile --implicit", "expired_certificate");

        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                // the careless client under test: it accepts anything
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (Socket socket = trustAll.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(m.group(1)))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream o = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK");
            // it goes on inside TLS (a goodbye alone would not count as going on): a NOOP, then LOGOUT
            o.write("a1 NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("a1 "));
            assertThat(line).startsWith("a1 OK");
            o.write("a2 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            assertThat(in.readLine()).startsWith("* BYE");
        }
        judged.get(30, TimeUnit.SECONDS);
        stop.complete(null);

        assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).contains("expired_certificate      UNSAFE [ACCEPTED_BAD_CERTIFICATE]");
    }

    /** A writer that keeps what serve prints and completes {@code listening}, then {@code judged} once {@code verdict} shows. */
    private static Writer watching(StringBuffer out, CompletableFuture<Void> listening, CompletableFuture<Void> judged, String verdict) {
        return new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                out.append(buffer, offset, length);
                if (out.indexOf("stop with Ctrl-C") >= 0) {
                    listening.complete(null);
                }
                if (out.indexOf(verdict) >= 0) {
                    judged.complete(null);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void anUnknownOrInapplicableScenarioIsAUsageError() {
        Cli.Result unknown = Cli.run("serve", "smtp", "--hostile", "nonsense");
        assertThat(unknown.status()).isEqualTo(Main.USAGE);
        assertThat(unknown.err()).contains("--hostile is all or one of", "response_injection");

        Cli.Result preauth = Cli.run("serve", "smtp", "--hostile", "preauth");
        assertThat(preauth.status()).isEqualTo(Main.USAGE);
        assertThat(preauth.err()).contains("does not apply to smtp");

        Cli.Result lmtp = Cli.run("serve", "lmtp", "--hostile", "all");
        assertThat(lmtp.status()).isEqualTo(Main.USAGE);
        assertThat(lmtp.err()).contains("--hostile speaks smtp, imap and pop3, not lmtp");

        Cli.Result implicit = Cli.run("serve", "imap", "--implicit", "--hostile", "starttls_stripped");
        assertThat(implicit.status()).isEqualTo(Main.USAGE);
        assertThat(implicit.err()).contains("nothing to attack on an implicit-TLS port", "expired_certificate");

        Cli.Result other = Cli.run("serve", "imap", "--adapter", "netty", "--hostile", "all");
        assertThat(other.status()).isEqualTo(Main.USAGE);
        assertThat(other.err()).contains("takes --port, --bind and --implicit only");
    }
}
