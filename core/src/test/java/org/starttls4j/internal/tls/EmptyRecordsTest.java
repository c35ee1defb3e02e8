package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The count of records in a row without application data, alone. */
class EmptyRecordsTest {

    @Test
    void the33rdEmptyRecordInARowFailsAndDataOrNoRecordChangesNothingOfThat() {
        EmptyRecords records = new EmptyRecords();
        for (int i = 0; i < EmptyRecords.MAX_IN_A_ROW; i++) {
            assertThat(records.after(29, 0)).as("empty record %d", i + 1).isNull();
            assertThat(records.after(0, 0)).as("no record read: not counted").isNull();
        }

        assertThat(records.after(29, 0)).hasMessage("more than 32 TLS records in a row without application data");
    }

    @Test
    void aRecordWithDataStartsTheCountAgain() {
        EmptyRecords records = new EmptyRecords();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < EmptyRecords.MAX_IN_A_ROW; i++) {
                assertThat(records.after(29, 0)).isNull();
            }
            assertThat(records.after(35, 6)).isNull();
        }
        assertThat(records.after(35, 1)).isNull();
    }
}
