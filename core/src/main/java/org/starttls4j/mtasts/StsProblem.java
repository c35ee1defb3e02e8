package org.starttls4j.mtasts;

/** Why an MTA-STS TXT record, policy file or MX pattern was rejected. Names never change meaning. */
public enum StsProblem {
    /** The input was longer than the parser's bound. */
    TOO_LONG,
    /** No TXT record starting with {@code v=STSv1} was found: the domain has no MTA-STS policy. */
    NO_RECORD,
    /** More than one TXT record started with {@code v=STSv1} (RFC 8461 §3.1: then there is no policy). */
    SEVERAL_RECORDS,
    /** The text breaks the grammar: bad separators, a field without {@code =}, a bad name or value. */
    SYNTAX,
    /** The record has no {@code id}, or one that is not 1 to 32 letters and digits. */
    BAD_ID,
    /**
     * A field that may appear only once appeared again. No longer given by this library's parsers:
     * RFC 8461 §3.2 says that all entries of a repeated field but the first are ignored.
     */
    DUPLICATE_FIELD,
    /** The policy is not valid UTF-8. */
    NOT_UTF8,
    /** The policy has no {@code version: STSv1}. */
    BAD_VERSION,
    /** The policy has no {@code mode}, or one other than {@code enforce}, {@code testing}, {@code none}. */
    BAD_MODE,
    /** The policy has no {@code max_age}, or one that is not 1 to 10 digits. */
    BAD_MAX_AGE,
    /** An {@code mx} value is not a domain name with at most one leading {@code *.} label. */
    BAD_MX,
    /** The policy's mode is {@code enforce} or {@code testing} but it lists no {@code mx}. */
    NO_MX
}
