/** The result type of the core's parsers ({@link org.starttls4j.text.Parsed}) and IMAP/ManageSieve literal tracking. */
package org.starttls4j.text;
