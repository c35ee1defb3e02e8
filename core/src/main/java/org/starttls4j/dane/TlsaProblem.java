package org.starttls4j.dane;

/** Why text or bytes are not a TLSA record. Names never change meaning. */
public enum TlsaProblem {
    /** Longer than a DNS record can be (65535 bytes of RDATA). */
    TOO_LONG,
    /** Shorter than three one-byte fields and one byte of data. */
    TRUNCATED,
    /** Not three decimal fields followed by hexadecimal data. */
    SYNTAX,
    /** A usage, selector or matching type outside 0 to 255. */
    FIELD_OUT_OF_RANGE,
    /** The certificate association data is not an even number of hexadecimal digits. */
    BAD_HEX,
    /** The certificate association data is empty. */
    NO_DATA,
    /** The generic form ({@code \# length data}, RFC 3597) announces another length than its data has. */
    LENGTH_MISMATCH
}
