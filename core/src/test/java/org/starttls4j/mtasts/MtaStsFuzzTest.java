package org.starttls4j.mtasts;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.starttls4j.testing.FuzzInput;
import org.starttls4j.text.Parsed;

/**
 * MTA-STS as a domain's DNS and web server control it: the policy file fetched over HTTPS and the
 * {@code _mta-sts} TXT records. Whatever they hold, parsing gives a {@link Parsed} (never an
 * exception), within the documented bounds, that reads back as itself from its own text; and
 * the delivery decision for any MX host name is made without an exception. The jqwik tests check
 * the round trip on values they generate; here it runs on what a fuzzer made the parser accept.
 */
class MtaStsFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void policyFile(FuzzedDataProvider data) {
        String mxHost = FuzzInput.utf8(data, 300);
        byte[] body = data.consumeRemainingAsBytes();
        Parsed<StsPolicy, StsProblem> parsed = StsPolicy.parse(body);
        if (parsed instanceof Parsed.Valid<StsPolicy, StsProblem> valid) {
            StsPolicy policy = valid.value();
            check(body.length <= StsPolicy.MAX_BYTES, "a policy of %d bytes accepted", body.length);
            check(!policy.maxAge().isNegative() && policy.maxAge().compareTo(Duration.ofSeconds(StsPolicy.MAX_AGE_SECONDS)) <= 0,
                    "max_age %s out of bounds", policy.maxAge());
            check(!policy.mx().isEmpty() || policy.mode() == StsMode.NONE, "mode %s without an mx", policy.mode());
            check(StsPolicy.parse(policy.toText()).equals(new Parsed.Valid<StsPolicy, StsProblem>(policy)), "%s does not read back from %s", policy, policy.toText());
            check(StsPolicy.parse(new String(body, StandardCharsets.UTF_8)) instanceof Parsed.Valid, "valid bytes, invalid text");
            policy.allows(mxHost);
            MxDecision decision = MtaSts.decide(policy, mxHost, UnaryOperator.identity());
            check(decision != null, "no decision");
        }
    }

    @FuzzTest(maxDuration = "2m")
    void txtRecords(FuzzedDataProvider data) {
        List<String> records = new ArrayList<>();
        int count = data.consumeInt(0, 4);
        for (int i = 0; i < count; i++) {
            records.add(FuzzInput.utf8(data, StsRecord.MAX_LENGTH + 64));
        }
        Parsed<StsRecord, StsProblem> selected = StsRecord.select(records);
        check(selected != null, "no selection");
        for (String text : records) {
            if (StsRecord.parse(text) instanceof Parsed.Valid<StsRecord, StsProblem> valid) {
                check(text.length() <= StsRecord.MAX_LENGTH, "a record of %d characters accepted", text.length());
                check(StsRecord.parse(valid.value().toText()).equals(valid), "%s does not read back from %s", valid.value(),
                        valid.value().toText());
            }
        }
        Parsed<MxPattern, StsProblem> pattern = MxPattern.parse(FuzzInput.utf8(data, 300));
        check(pattern != null, "no pattern");
    }

    private static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }

}
