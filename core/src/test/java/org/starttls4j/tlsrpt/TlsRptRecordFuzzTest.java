package org.starttls4j.tlsrpt;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.starttls4j.testing.FuzzInput;
import org.starttls4j.text.Parsed;

/**
 * The {@code _smtp._tls} TXT records a domain's DNS holds (RFC 8460 §3): whatever they say,
 * selecting and parsing give a {@link Parsed}, never an exception; an accepted record is within
 * {@link TlsRptRecord#MAX_LENGTH} and reads back as itself from its own text.
 */
class TlsRptRecordFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void txtRecords(FuzzedDataProvider data) {
        List<String> records = new ArrayList<>();
        int count = data.consumeInt(0, 4);
        for (int i = 0; i < count; i++) {
            records.add(FuzzInput.utf8(data, TlsRptRecord.MAX_LENGTH + 64));
        }
        if (TlsRptRecord.select(records) == null) {
            throw new AssertionError("no selection");
        }
        for (String text : records) {
            if (TlsRptRecord.parse(text) instanceof Parsed.Valid<TlsRptRecord, TlsRptProblem> valid) {
                if (text.length() > TlsRptRecord.MAX_LENGTH) {
                    throw new AssertionError("a record of " + text.length() + " characters accepted");
                }
                if (!TlsRptRecord.parse(valid.value().toText()).equals(valid)) {
                    throw new AssertionError(valid.value() + " does not read back from " + valid.value().toText());
                }
            }
        }
    }
}
