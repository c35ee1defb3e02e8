package org.starttls4j.mtasts;

import java.util.Optional;

/** The {@code mode} of an MTA-STS policy (RFC 8461 §5). */
public enum StsMode {
    /** Deliver only to MX hosts the policy names, over TLS 1.2 or newer with a valid PKIX certificate. */
    ENFORCE("enforce"),
    /** Check as for {@link #ENFORCE} and report failures (TLS-RPT), but deliver as if there were no policy. */
    TESTING("testing"),
    /** The domain withdraws its policy: deliver as if there were none. */
    NONE("none");

    private final String text;

    StsMode(String text) {
        this.text = text;
    }

    /**
     * The mode as a policy file spells it.
     *
     * @return e.g. {@code "enforce"}
     */
    public String text() {
        return text;
    }

    /**
     * The mode a policy file's value names (case-sensitive, as RFC 8461's ABNF says).
     *
     * @param text the value
     * @return the mode, or empty
     */
    public static Optional<StsMode> fromText(String text) {
        for (StsMode m : values()) {
            if (m.text.equals(text)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
