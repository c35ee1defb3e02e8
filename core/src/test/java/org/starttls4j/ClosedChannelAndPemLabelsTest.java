package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.Loopback;

/**
 * A {@link SecureByteChannel} this side closed neither reads nor writes (no plaintext after our
 * close_notify, nothing read as if the session were still open); and {@link Pem} reads a
 * certificate under each label OpenSSL writes one with.
 */
class ClosedChannelAndPemLabelsTest {

    @Test
    void aClosedChannelRefusesReadsAndWrites() throws IOException {
        Loopback.Result r = Loopback.run(Smtp.client(SecureSessionTest.client()), Smtp.server(SecureSessionTest.server()),
                SecureSessionTest.NOW, line -> line.startsWith("EHLO") ? "250 " + SecureSessionTest.HOST + "\r\n" : null);
        Pipe toServer = Pipe.open();
        Pipe toClient = Pipe.open();
        SecureByteChannel client = new SecureByteChannel(r.clientSession(), new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return toClient.source().read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return toServer.sink().write(src);
            }

            @Override
            public boolean isOpen() {
                return toServer.sink().isOpen();
            }

            @Override
            public void close() throws IOException {
                toServer.sink().close();
            }
        });
        assertThat(client.isOpen()).isTrue();
        client.close();

        assertThat(client.isOpen()).isFalse();
        assertThatThrownBy(() -> client.read(ByteBuffer.allocate(10))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> client.write(ByteBuffer.wrap(new byte[] {'x'}))).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void aCertificateIsReadUnderEachOfOpenSslsLabels() throws Exception {
        X509Certificate certificate = Leaf.rsa("mail.example.test").issue().leaf();
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded());
        for (String label : List.of("CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE")) {
            String pem = "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
            assertThat(Pem.certificates(pem)).as(label).containsExactly(certificate);
        }
        String other = "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
        assertThatThrownBy(() -> Pem.certificates(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no -----BEGIN CERTIFICATE----- block");
    }
}
