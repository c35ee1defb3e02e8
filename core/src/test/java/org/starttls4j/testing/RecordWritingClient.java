package org.starttls4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * A TLS client on BouncyCastle's low-level API, driven by hand, that writes records no JSSE engine
 * writes on request: empty application data records. It trusts any server: the server under test
 * is the test's own.
 */
public final class RecordWritingClient {

    /** The protocol, with its record writer in reach. */
    private static final class Protocol extends TlsClientProtocol {
        void writeEmptyRecord() throws IOException {
            safeWriteRecord(ContentType.application_data, new byte[0], 0, 0);
        }
    }

    private final Protocol protocol = new Protocol();

    private RecordWritingClient() {
    }

    /**
     * A client that has sent its ClientHello ({@link #output()}), offering only {@code version}.
     *
     * @param version {@code "TLSv1.2"} or {@code "TLSv1.3"}
     * @return the client
     */
    public static RecordWritingClient connect(String version) {
        ProtocolVersion offered = "TLSv1.3".equals(version) ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12;
        RecordWritingClient client = new RecordWritingClient();
        try {
            client.protocol.connect(new DefaultTlsClient(new JcaTlsCryptoProvider().create(new SecureRandom())) {
                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return new ProtocolVersion[] {offered};
                }

                @Override
                public TlsAuthentication getAuthentication() {
                    return new ServerOnlyTlsAuthentication() {
                        @Override
                        public void notifyServerCertificate(TlsServerCertificate certificate) {
                            // the test's own server
                        }
                    };
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return client;
    }

    /** @return whether the handshake is still running */
    public boolean isHandshaking() {
        return protocol.isHandshaking();
    }

    /** @param bytes what the server sent */
    public void offer(byte[] bytes) {
        try {
            protocol.offerInput(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return everything the client has to send now */
    public byte[] output() {
        byte[] out = new byte[protocol.getAvailableOutputBytes()];
        protocol.readOutput(out, 0, out.length);
        return out;
    }

    /**
     * @param n how many
     * @return {@code n} empty application data records
     */
    public byte[] emptyRecords(int n) {
        try {
            for (int i = 0; i < n; i++) {
                protocol.writeEmptyRecord();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return output();
    }

    /**
     * @param text application data
     * @return its records
     */
    public byte[] data(String text) {
        try {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            protocol.writeApplicationData(bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return output();
    }
}
