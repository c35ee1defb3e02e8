package org.starttls4j.pop3;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;

/** Reads and writes the capability list of a CAPA response (RFC 2449 §5). */
final class CapaList {

    private CapaList() {
    }

    /**
     * The capabilities in the lines of a positive CAPA response: each (unstuffed) line is a tag
     * (kept as sent; compared without case) and its space-separated arguments. Blank lines are skipped.
     */
    static Capabilities parse(List<String> lines) {
        return Capabilities.fromLines(lines);
    }

    /** A positive, dot-terminated CAPA response announcing {@code capabilities}, byte-stuffed. */
    static String reply(Capabilities capabilities) {
        StringBuilder reply = new StringBuilder("+OK Capability list follows\r\n");
        for (Capability c : capabilities.list()) {
            String line = c.toString();
            reply.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        return reply.append(".\r\n").toString();
    }
}
