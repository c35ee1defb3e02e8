package org.starttls4j.resolvers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.starttls4j.tlsrpt.AggregateReport;

/**
 * A TLS-RPT report as the bytes RFC 8460 §5 sends: the JSON, gzip-compressed, with its media type.
 * Sending it (as a mail attachment to a {@code mailto:} URI, or in the body of an HTTPS POST to an
 * {@code https:} URI of the domain's {@link org.starttls4j.tlsrpt.TlsRptRecord}) is left to the
 * caller, who has a mail submission path and an HTTP client of its own.
 *
 * @param mediaType {@code application/tlsrpt+gzip}
 * @param fileName  the file name of RFC 8460 §5 (for the mail attachment)
 * @param body      the compressed JSON
 */
public record TlsRptDelivery(String mediaType, String fileName, byte[] body) {

    /** The media type of a compressed report. */
    public static final String MEDIA_TYPE = "application/tlsrpt+gzip";

    /**
     * Copies the body.
     *
     * @param mediaType {@code application/tlsrpt+gzip}
     * @param fileName the file name of RFC 8460 §5 (for the mail attachment)
     * @param body the compressed JSON
     */
    public TlsRptDelivery {
        body = body.clone();
    }

    /**
     * The compressed JSON.
     *
     * @return a copy
     */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * Compresses a report.
     *
     * @param report       the report
     * @param sender       the sending domain, for the file name
     * @param policyDomain the recipient domain, for the file name
     * @return the bytes to send
     */
    public static TlsRptDelivery of(AggregateReport report, String sender, String policyDomain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(report.toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen in memory", e);
        }
        return new TlsRptDelivery(MEDIA_TYPE, report.fileName(sender, policyDomain), bytes.toByteArray());
    }
}
