package org.starttls4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The histogram difference that names what each held session retains. */
class HeapHistogramTest {

    private static final String HEADER = " num     #instances         #bytes  class name (module)\n"
            + "-------------------------------------------------------\n";

    @Test
    void theClassesThatGrewComeFirstPerSessionWithTheTotal() {
        HeapHistogram before = HeapHistogram.parse(HEADER
                + "   1:         100         4000  [B (java.base@17.0.15)\n"
                + "   2:          10          240  java.lang.String (java.base@17.0.15)\n"
                + "Total         110         4240\n");
        HeapHistogram after = HeapHistogram.parse(HEADER
                + "   1:         120        20000  [B (java.base@17.0.15)\n"
                + "   2:          30          720  java.lang.String (java.base@17.0.15)\n"
                + "   3:          10         1280  org.starttls4j.Event$Line\n"
                + "Total         160        22000\n");

        String lines = after.perSession(before, 10, 2);

        String[] rows = lines.split("\n");
        assertEquals(4, rows.length, lines); // header, two classes, total
        assertTrue(rows[1].matches("\\s*1600\\.0\\s+2\\.00\\s+\\[B"), rows[1]);
        assertTrue(rows[2].matches("\\s*128\\.0\\s+1\\.00\\s+org\\.starttls4j\\.Event\\$Line"), rows[2]);
        assertTrue(rows[3].matches("\\s*1776\\.0\\s+\\(every class\\)"), rows[3]);
        assertEquals(2, HeapHistogram.parse(HEADER + "   1:  1  2  x\n   2:  3  4  x\n").classes().get("x")[0] / 2,
                "a class listed twice (two loaders) is added up");
    }
}
