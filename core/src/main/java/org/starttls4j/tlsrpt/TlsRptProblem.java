package org.starttls4j.tlsrpt;

/** Why a TLS-RPT TXT record was rejected. Names never change meaning. */
public enum TlsRptProblem {
    /** The record is longer than the parser's bound. */
    TOO_LONG,
    /** No TXT record starts with {@code v=TLSRPTv1}: the domain asks for no reports. */
    NO_RECORD,
    /** More than one record starts with {@code v=TLSRPTv1} (RFC 8460 §3: then there is none). */
    SEVERAL_RECORDS,
    /** The text breaks the grammar: bad separators, a field without {@code =}, a bad name or value. */
    SYNTAX,
    /** No {@code rua} field, or one that is there twice. */
    BAD_RUA,
    /**
     * An {@code rua} entry that is no URI or a malformed {@code mailto:} or {@code https:} URI, or
     * an {@code rua} with no URI of those two schemes (URIs of other schemes are skipped).
     */
    BAD_URI
}
