package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.starttls4j.tlsrpt.AggregateReport;
import org.starttls4j.tlsrpt.AppliedPolicy;
import org.starttls4j.tlsrpt.ResultType;
import org.starttls4j.tlsrpt.SessionOutcome;

/** The mail message of RFC 8460 §5.3, read back by Jakarta Mail (Eclipse Angus) as a mail store would. */
class TlsRptMailTest {

    static final Instant START = Instant.parse("2026-12-06T00:00:00Z");
    static final Instant END = Instant.parse("2026-12-06T23:59:59Z");
    static final ZonedDateTime DATE = ZonedDateTime.of(2026, 12, 7, 4, 30, 0, 0, ZoneOffset.UTC);

    static AggregateReport report(String reportId) {
        AppliedPolicy none = AppliedPolicy.none("example.net");
        return AggregateReport.of("Sender Org", "tlsrpt@mail.sender.example.com", reportId, START, END,
                List.of(SessionOutcome.success(none, "mx.example.net"),
                        SessionOutcome.failure(none, "mx.example.net", ResultType.STARTTLS_NOT_SUPPORTED)));
    }

    static MimeMessage read(byte[] message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
    }

    @Test
    void theMessageIsAMultipartReportOfTypeTlsrptWithTheCompressedReportAttached() throws Exception {
        AggregateReport report = report("2026-12-06.001");
        byte[] bytes = TlsRptMail.message(report, "mail.sender.example.com", "example.net",
                "tlsrpt@mail.sender.example.com", "tlsrpt@example.net", DATE);
        MimeMessage m = read(bytes);

        assertThat(m.getHeader("TLS-Report-Domain", null)).isEqualTo("example.net");
        assertThat(m.getHeader("TLS-Report-Submitter", null)).isEqualTo("mail.sender.example.com");
        assertThat(m.getFrom()[0].toString()).isEqualTo("tlsrpt@mail.sender.example.com");
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("tlsrpt@example.net");
        assertThat(m.getSentDate().toInstant()).isEqualTo(DATE.toInstant());
        ContentType type = new ContentType(m.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("tlsrpt");

        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(new ContentType(parts.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("text/plain");
        Part attachment = parts.getBodyPart(1);
        assertThat(new ContentType(attachment.getContentType()).getBaseType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(attachment.getFileName()).isEqualTo("mail.sender.example.com!example.net!1796515200!1796601599!20261206001.json.gz");
        try (GZIPInputStream json = new GZIPInputStream(attachment.getInputStream())) {
            assertThat(new String(json.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(report.toJson());
        }
    }

    @Test
    void theSubjectFollowsTheAbnfOfRfc8460() throws Exception {
        byte[] bytes = TlsRptMail.message(report("735ff.e317+bf22029"), "mail.sender.example.com", "example.net",
                "tlsrpt@mail.sender.example.com", "tlsrpt@example.net", DATE);
        // tlsrpt-subject = "Report" FWS "Domain:" FWS domain-name FWS "Submitter:" FWS domain-name FWS "Report-ID:" FWS "<" id-left "@" id-right ">"
        String unfolded = read(bytes).getHeader("Subject", null).replaceAll("\r\n(?=[ \t])", "");
        assertThat(unfolded).isEqualTo("Report Domain: example.net Submitter: mail.sender.example.com"
                + " Report-ID: <735ff.e317+bf22029@mail.sender.example.com>");
        String text = new String(bytes, StandardCharsets.US_ASCII);
        assertThat(text).contains("\r\nDate: Mon, 7 Dec 2026 04:30:00 +0000\r\n");
        assertThat(text.replace("\r\n", "")).as("no bare CR or LF").doesNotContain("\r").doesNotContain("\n");
        assertThat(text.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
    }

    @Property
    void anyReportIdGivesAMessageIdOfRfc5322(@ForAll String reportId) throws Exception {
        String left = TlsRptMail.idLeft(reportId);
        assertThat(left).matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*").hasSizeLessThanOrEqualTo(40);
        byte[] bytes = TlsRptMail.message(report(reportId), "s.example", "example.net", "r@s.example", "t@example.net", DATE);
        assertThat(read(bytes).getMessageID()).isEqualTo("<" + left + "@s.example>");
    }

    @Test
    void nothingTheCallerPassesCanStartAHeaderField() {
        AggregateReport report = report("1");
        assertThatThrownBy(() -> TlsRptMail.message(report, "s.example\r\nBcc: x@evil.example", "example.net", "r@s.example", "t@example.net", DATE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TlsRptMail.message(report, "s.example", "example.net", "r@s.example\nBcc: x@evil.example", "t@example.net", DATE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TlsRptMail.message(report, "s.example", "example.net", "r@s.example", "not an address", DATE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TlsRptMail.message(report, "s.example", "example_net", "r@s.example", "t@example.net", DATE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
