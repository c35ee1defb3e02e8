package org.starttls4j.resolvers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.starttls4j.tlsrpt.AggregateReport;

/**
 * A TLS-RPT report as the mail message RFC 8460 §5.3 describes, for a {@code mailto:} URI of the
 * domain's {@code rua}: a {@code multipart/report; report-type="tlsrpt"} message with a short
 * text part and the compressed report ({@code application/tlsrpt+gzip}, base64, its §5.1 file
 * name), the {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} header fields (which §5.3
 * makes mandatory) and the subject of §5.3's ABNF:
 *
 * <pre>
 * Subject: Report Domain: example.net
 *  Submitter: mail.sender.example.com
 *  Report-ID: &lt;20261207example@mail.sender.example.com&gt;
 * </pre>
 *
 * <p>What remains the caller's: the DKIM signature RFC 8460 §3 requires of a report sent by mail
 * (sign these bytes, covering the two {@code TLS-Report-*} fields, then submit them), and sending
 * it despite TLS failures towards the reporting address (§3, §5.3).
 */
public final class TlsRptMail {

    private static final String CRLF = "\r\n";
    /** RFC 5322 §3.3 date-time, with a numeric zone (never the obsolete "GMT"). */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private TlsRptMail() {
    }

    /**
     * The message, lines ending in CRLF: header lines within RFC 5322's 998 characters (a long
     * domain name or file name is not folded), base64 lines of 76.
     *
     * @param report       the report
     * @param submitter    the sending domain ({@code TLS-Report-Submitter}): §5.3 asks for the
     *                     domain of the report's {@code contact-info} address; also the file name's sender
     * @param policyDomain the domain the report is about ({@code TLS-Report-Domain})
     * @param from         the {@code From} address, e.g. {@code tlsrpt@mail.sender.example.com}
     * @param to           the address of the {@code mailto:} URI, e.g. {@code tlsrpt@example.net}
     * @param date         the {@code Date}
     * @return the message's bytes, US-ASCII
     * @throws IllegalArgumentException if a domain is not a host name, or an address carries white
     *                                  space, a control character or no {@code @} (a header field
     *                                  must not be able to start another)
     */
    public static byte[] message(AggregateReport report, String submitter, String policyDomain, String from, String to,
                                 ZonedDateTime date) {
        requireDomain(submitter, "submitter");
        requireDomain(policyDomain, "policyDomain");
        requireAddress(from, "from");
        requireAddress(to, "to");
        TlsRptDelivery compressed = TlsRptDelivery.of(report, submitter, policyDomain);
        String boundary = "tlsrpt-" + HexFormat.of().formatHex(sha256(compressed.body()), 0, 16);
        String reportId = "<" + idLeft(report.reportId()) + "@" + submitter + ">";
        StringBuilder m = new StringBuilder()
                .append("From: ").append(from).append(CRLF)
                .append("To: ").append(to).append(CRLF)
                .append("Date: ").append(DATE.format(date)).append(CRLF)
                // RFC 8460 §5.3's tlsrpt-subject, folded before each part as its example is
                .append("Subject: Report Domain: ").append(policyDomain).append(CRLF)
                .append(" Submitter: ").append(submitter).append(CRLF)
                .append(" Report-ID: ").append(reportId).append(CRLF)
                .append("Message-ID: ").append(reportId).append(CRLF)
                .append("TLS-Report-Domain: ").append(policyDomain).append(CRLF)
                .append("TLS-Report-Submitter: ").append(submitter).append(CRLF)
                .append("MIME-Version: 1.0").append(CRLF)
                .append("Content-Type: multipart/report; report-type=\"tlsrpt\";").append(CRLF)
                .append(" boundary=\"").append(boundary).append('"').append(CRLF)
                .append(CRLF)
                .append("This is a multipart message in MIME format.").append(CRLF)
                .append("--").append(boundary).append(CRLF)
                .append("Content-Type: text/plain; charset=\"us-ascii\"").append(CRLF)
                .append("Content-Transfer-Encoding: 7bit").append(CRLF)
                .append(CRLF)
                .append("This is an aggregate TLS report from ").append(submitter).append(CRLF)
                .append("about ").append(policyDomain).append(" (RFC 8460).").append(CRLF)
                .append("--").append(boundary).append(CRLF)
                .append("Content-Type: ").append(TlsRptDelivery.MEDIA_TYPE).append(CRLF)
                .append("Content-Transfer-Encoding: base64").append(CRLF)
                .append("Content-Disposition: attachment;").append(CRLF)
                .append(" filename=\"").append(compressed.fileName()).append('"').append(CRLF)
                .append(CRLF)
                .append(Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(compressed.body()))
                .append(CRLF)
                .append("--").append(boundary).append("--").append(CRLF);
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The report id as the left part of §5.3's {@code "<" id-left "@" id-right ">"}: its RFC 5322
     * {@code atext} characters and dots, no dot first, last or twice; {@code tlsrpt} when none is left.
     */
    static String idLeft(String reportId) {
        String atext = reportId.replaceAll("[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]", "").replaceAll("\\.{2,}", ".")
                .replaceAll("^\\.|\\.$", "");
        return atext.isEmpty() ? "tlsrpt" : atext.length() > 40 ? atext.substring(0, 40).replaceAll("\\.$", "") : atext;
    }

    private static void requireDomain(String value, String what) {
        if (value.isEmpty() || value.length() > 253 || !value.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            throw new IllegalArgumentException(what + " is not a host name");
        }
    }

    private static void requireAddress(String value, String what) {
        if (value.length() > 254 || value.indexOf('@') <= 0 || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(what + " is not an address of printable ASCII without white space");
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
