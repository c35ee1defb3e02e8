/**
 * jqwik arbitraries for STARTTLS dialogs — splits of a byte stream into reads, SMTP replies, IMAP
 * responses, POP3 replies, injection payloads, hostile scenarios — and {@link
 * org.starttls4j.testkit.jqwik.Readable} renderings that make a failing property's report legible.
 */
package org.starttls4j.testkit.jqwik;
