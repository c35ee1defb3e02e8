/**
 * DANE for SMTP (RFC 7672, with RFC 6698 and RFC 7671) without I/O: TLSA records
 * ({@link org.starttls4j.dane.Tlsa}) in presentation and wire form, their matching against the
 * chain a server presents ({@link org.starttls4j.dane.DaneVerifier}), the check a negotiation
 * applies in place of PKIX ({@link org.starttls4j.dane.DaneCheck}), and the decision of how to
 * deliver to one MX host from the outcome of its TLSA lookup ({@link org.starttls4j.dane.Dane#decide}).
 * The DNSSEC-validated lookups themselves belong to the {@code starttls4j-resolvers} module.
 */
package org.starttls4j.dane;
