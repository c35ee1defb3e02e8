package org.starttls4j;

import java.util.List;
import java.util.Optional;

/**
 * What a server said it can do, in the order it said it. A value: the negotiation never mixes
 * capabilities learned before TLS with those learned after (see {@link Event.CapabilitiesReceived}).
 *
 * @param list the capabilities in announcement order
 */
public record Capabilities(List<Capability> list) {

    /** No capabilities (none asked yet, or the server announced none). */
    public static final Capabilities NONE = new Capabilities(List.of());

    /** Copies the list so the value stays immutable. */
    public Capabilities {
        list = List.copyOf(list);
    }

    /** Whether {@code keyword} was announced, ignoring ASCII case. */
    public boolean has(String keyword) {
        return find(keyword).isPresent();
    }

    /** The first capability named {@code keyword}, ignoring ASCII case. */
    public Optional<Capability> find(String keyword) {
        return list.stream().filter(c -> c.is(keyword)).findFirst();
    }

    /** The parameters of {@code keyword}, or an empty list if it was not announced. */
    public List<String> parameters(String keyword) {
        return find(keyword).map(Capability::parameters).orElse(List.of());
    }

    /** Whether nothing was announced. */
    public boolean isEmpty() {
        return list.isEmpty();
    }

    @Override
    public String toString() {
        return list.toString();
    }
}
