/**
 * POP3 (RFC 1939) with CAPA (RFC 2449) and STLS (RFC 2595 §4), and implicit TLS on port 995
 * (RFC 8314): the response reader, the client dialog, the server dialog, and
 * {@link org.starttls4j.pop3.Pop3}, the entry points.
 */
package org.starttls4j.pop3;
