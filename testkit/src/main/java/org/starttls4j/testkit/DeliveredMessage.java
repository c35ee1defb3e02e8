package org.starttls4j.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message a client delivered with SMTP {@code DATA}: the envelope, the raw bytes (dot-stuffing
 * removed, lines ending in CRLF), and the header fields parsed. A message appended with IMAP
 * {@code APPEND} has an empty sender and the mailbox as its one recipient.
 */
public final class DeliveredMessage {

    private final int connection;
    private final Layer layer;
    private final String from;
    private final List<String> recipients;
    private final byte[] raw;

    /**
     * A delivered message.
     *
     * @param connection which connection, counted from 1
     * @param layer      whether it travelled in plaintext or inside TLS
     * @param from       the envelope sender ({@code MAIL FROM}), without angle brackets
     * @param recipients the envelope recipients ({@code RCPT TO}), without angle brackets
     * @param raw        the message as received, without the final {@code .} line
     */
    public DeliveredMessage(int connection, Layer layer, String from, List<String> recipients, byte[] raw) {
        this.connection = connection;
        this.layer = Objects.requireNonNull(layer, "layer");
        this.from = Objects.requireNonNull(from, "from");
        this.recipients = List.copyOf(recipients);
        this.raw = raw.clone();
    }

    /**
     * Which connection delivered it.
     *
     * @return the connection's number, counted from 1
     */
    public int connection() {
        return connection;
    }

    /**
     * Where the message travelled.
     *
     * @return {@link Layer#TLS} when its {@code DATA} arrived inside TLS
     */
    public Layer layer() {
        return layer;
    }

    /**
     * The envelope sender.
     *
     * @return the {@code MAIL FROM} address without angle brackets (empty for the null sender)
     */
    public String from() {
        return from;
    }

    /**
     * The envelope recipients.
     *
     * @return the {@code RCPT TO} addresses without angle brackets, in order
     */
    public List<String> recipients() {
        return recipients;
    }

    /**
     * The message as received.
     *
     * @return a copy of its bytes
     */
    public byte[] raw() {
        return raw.clone();
    }

    /**
     * The message as text.
     *
     * @return the raw bytes decoded as UTF-8
     */
    public String text() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /**
     * The header fields, unfolded, in order; names as sent.
     *
     * @return name → values (a name may repeat, e.g. {@code Received}); iteration in order of first appearance
     */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : headerBlock().split("\r\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.trim());
                continue;
            }
            if (name != null) {
                headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString());
            }
            int colon = line.indexOf(':');
            name = colon > 0 ? line.substring(0, colon) : null;
            value.setLength(0);
            if (name != null) {
                value.append(line.substring(colon + 1).trim());
            }
        }
        if (name != null) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString());
        }
        return headers;
    }

    /**
     * The first value of a header field, found without regard to case.
     *
     * @param name the field name, e.g. {@code Subject}
     * @return its unfolded value, or empty when the message has no such field
     */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers().entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code Subject} header field.
     *
     * @return its value, or an empty string when there is none
     */
    public String subject() {
        return header("Subject").orElse("");
    }

    /**
     * What follows the header block.
     *
     * @return the body as UTF-8 text, lines ending in CRLF
     */
    public String body() {
        String text = text();
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? "" : text.substring(end + 4);
    }

    private String headerBlock() {
        String text = text();
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end);
    }

    @Override
    public String toString() {
        return "#" + connection + " [" + layer.name().toLowerCase(Locale.ROOT) + "] from <" + from + "> to " + recipients
                + ", " + raw.length + " bytes, Subject: " + subject();
    }
}
