package org.starttls4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/** How {@link Report} judges the allocation targets: never "met" on a figure it does not have. */
class ReportTest {

    static Result<?> norm(String key, double bytes) {
        return new ScalarResult(key, bytes, "B/op", AggregationPolicy.AVG);
    }

    @Test
    void aMissingGcProfilerResultIsAnErrorNotAZero() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Report.allocation(Map.of("gc.alloc.rate", norm("gc.alloc.rate", 12.0)), "bulk tls=TLSv1.3"));

        assertTrue(e.getMessage().contains("gc.alloc.rate.norm"), e.getMessage());
        assertTrue(e.getMessage().contains("bulk tls=TLSv1.3"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Report.allocation(Map.of(), "negotiation"));
        assertThrows(IllegalStateException.class,
                () -> Report.allocation(Map.of("gc.alloc.rate.norm", norm("gc.alloc.rate.norm", Double.NaN)), "negotiation"));
    }

    @Test
    void theProfilersFigureIsReadUnderEitherOfItsNames() {
        assertEquals(1234.0, Report.allocation(Map.of("gc.alloc.rate.norm", norm("gc.alloc.rate.norm", 1234.0)), "a"));
        assertEquals(56.0, Report.allocation(Map.of("·gc.alloc.rate.norm", norm("·gc.alloc.rate.norm", 56.0)), "b"));
    }

    @Test
    void noMeasuredExcessIsNotMeasuredNeverMet() {
        assertNull(Report.withinAllocationTarget(null, 64));
        assertTrue(Report.withinAllocationTarget(64.0, 64));
        assertFalse(Report.withinAllocationTarget(64.5, 64));
        assertTrue(Report.withinAllocationTarget(-3000.0, 64));
    }
}
