package org.starttls4j;

/**
 * The result of one {@link SecureSession} call.
 *
 * @param status       what the caller should do next
 * @param consumed     bytes taken from the source buffer
 * @param produced     bytes written into the destination buffer
 * @param wantsToWrite the engine has TLS output to send (call {@link SecureSession#encrypt} with an
 *                     empty source)
 */
public record TlsResult(Status status, int consumed, int produced, boolean wantsToWrite) {

    /** What the caller should do next. */
    public enum Status {
        /** Progress was made; call again when there is more to do. */
        OK,
        /** The source holds an incomplete record: read more network bytes. */
        NEEDS_INPUT,
        /** The destination is too small for the next record: drain or enlarge it. */
        NEEDS_OUTPUT_SPACE,
        /** This direction is closed (close_notify received, or ours sent). */
        CLOSED,
        /**
         * The peer broke TLS (a bad record, a fatal alert); {@link SecureSession#failure()} says how.
         * Send what {@link SecureSession#close} produces, then close the connection.
         */
        FAILED
    }
}
