package org.starttls4j.smtp;

import java.util.List;
import org.starttls4j.internal.text.FixedList;

/**
 * A complete SMTP reply (RFC 5321 §4.2): one code and the text of each of its lines.
 *
 * @param code  the three-digit reply code
 * @param lines the text after the code and separator on each line, in order (possibly empty strings)
 */
public record SmtpReply(int code, List<String> lines) {

    /**
     * Copies the lines.
     *
     * @param code the three-digit reply code
     * @param lines the text after the code and separator on each line, in order (possibly empty strings)
     */
    public SmtpReply {
        lines = FixedList.copyOf(lines);
    }

    /**
     * The reply as it was sent, lines joined by {@code " / "}, for reports.
     *
     * @return the reply as it was sent, lines joined by {@code " / "}, for reports
     */
    public String summary() {
        return code + " " + String.join(" / ", lines);
    }

    /**
     * Whether the code is in the 2yz class.
     *
     * @return whether the code is in the 2yz class
     */
    public boolean isPositive() {
        return code / 100 == 2;
    }
}
