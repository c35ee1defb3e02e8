/**
 * ManageSieve (RFC 5804) with STARTTLS: the response reader, the client dialog, the server dialog
 * and {@link org.starttls4j.sieve.ManageSieve}, the entry points.
 */
package org.starttls4j.sieve;
