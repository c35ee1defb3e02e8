/**
 * SMTP TLS Reporting (RFC 8460) without I/O: the {@code _smtp._tls} TXT record
 * ({@link org.starttls4j.tlsrpt.TlsRptRecord}), the result types failures are reported as
 * ({@link org.starttls4j.tlsrpt.ResultType}), and the aggregate report a sender builds from a
 * day's sessions ({@link org.starttls4j.tlsrpt.AggregateReport}) as RFC 8460 §4 JSON. Sending the
 * report (by mail or HTTPS POST) is left to the caller.
 */
package org.starttls4j.tlsrpt;
