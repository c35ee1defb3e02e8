/**
 * IMAP (RFC 9051, RFC 3501): STARTTLS (RFC 2595) and implicit TLS (RFC 8314). The response reader
 * (tags, untagged responses, continuation requests, response codes, literals counted across
 * lines), the client dialog, the server dialog, and {@link org.starttls4j.imap.Imap}, the entry
 * points.
 */
package org.starttls4j.imap;
