/**
 * NNTP (RFC 3977) with STARTTLS (RFC 4642), and implicit TLS on port 563 (RFC 8143): the response
 * reader, the client dialog, the server dialog and {@link org.starttls4j.nntp.Nntp}, the entry points.
 */
package org.starttls4j.nntp;
