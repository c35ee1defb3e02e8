package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import org.junit.jupiter.api.Test;

/** The count of records in a row without application data, alone. */
class EmptyRecordsTest {

    static final SSLEngineResult EMPTY = new SSLEngineResult(Status.OK, HandshakeStatus.NOT_HANDSHAKING, 29, 0);
    static final SSLEngineResult DATA = new SSLEngineResult(Status.OK, HandshakeStatus.NOT_HANDSHAKING, 35, 6);

    @Test
    void the33rdEmptyRecordInARowFailsAndWhatReadsNoRecordChangesNothingOfThat() {
        EmptyRecords records = new EmptyRecords();
        for (int i = 0; i < EmptyRecords.MAX_IN_A_ROW; i++) {
            assertThat(records.after(EMPTY)).as("empty record %d", i + 1).isNull();
            assertThat(records.after(new SSLEngineResult(Status.BUFFER_UNDERFLOW, HandshakeStatus.NOT_HANDSHAKING, 0, 0)))
                    .as("no record read: not counted").isNull();
        }

        assertThat(records.after(EMPTY)).hasMessage("more than 32 TLS records in a row without application data");
    }

    @Test
    void aRecordWithDataStartsTheCountAgain() {
        EmptyRecords records = new EmptyRecords();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < EmptyRecords.MAX_IN_A_ROW; i++) {
                assertThat(records.after(EMPTY)).isNull();
            }
            assertThat(records.after(DATA)).isNull();
        }
        assertThat(records.after(EMPTY)).isNull();
    }

    @Test
    void theCloseNotifyAfterEmptyRecordsIsAClose() {
        EmptyRecords records = new EmptyRecords();
        for (int i = 0; i < EmptyRecords.MAX_IN_A_ROW; i++) {
            records.after(EMPTY);
        }

        assertThat(records.after(new SSLEngineResult(Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 31, 0))).isNull();
    }
}
