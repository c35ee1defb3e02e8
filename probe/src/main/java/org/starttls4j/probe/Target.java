package org.starttls4j.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * What to connect to, from a URL such as {@code smtp://mail.example.com} or
 * {@code imaps://[2001:db8::1]:993}.
 *
 * <table>
 *   <caption>URL schemes</caption>
 *   <tr><th>scheme</th><th>protocol</th><th>default port</th><th>TLS</th></tr>
 *   <tr><td>{@code smtp}</td><td>SMTP</td><td>25</td><td>STARTTLS</td></tr>
 *   <tr><td>{@code submission}</td><td>SMTP</td><td>587</td><td>STARTTLS</td></tr>
 *   <tr><td>{@code smtps}</td><td>SMTP</td><td>465</td><td>implicit</td></tr>
 *   <tr><td>{@code imap}</td><td>IMAP</td><td>143</td><td>STARTTLS</td></tr>
 *   <tr><td>{@code imaps}</td><td>IMAP</td><td>993</td><td>implicit</td></tr>
 *   <tr><td>{@code pop3}</td><td>POP3</td><td>110</td><td>STLS</td></tr>
 *   <tr><td>{@code pop3s}</td><td>POP3</td><td>995</td><td>implicit</td></tr>
 *   <tr><td>{@code lmtp}</td><td>LMTP</td><td>24</td><td>STARTTLS</td></tr>
 *   <tr><td>{@code sieve}</td><td>ManageSieve</td><td>4190</td><td>STARTTLS</td></tr>
 *   <tr><td>{@code nntp}</td><td>NNTP</td><td>119</td><td>STARTTLS</td></tr>
 *   <tr><td>{@code nntps}</td><td>NNTP</td><td>563</td><td>implicit</td></tr>
 * </table>
 *
 * @param scheme   the URL scheme, lower case
 * @param protocol the mail protocol
 * @param host     the host name or IP address literal (without brackets)
 * @param port     the port
 * @param implicit whether TLS starts with the first byte (the {@code s} schemes)
 */
public record Target(String scheme, Protocol protocol, String host, int port, boolean implicit) {

    private record Scheme(Protocol protocol, int port, boolean implicit) {
    }

    private static final Map<String, Scheme> SCHEMES = Map.ofEntries(
            Map.entry("smtp", new Scheme(Protocol.SMTP, 25, false)),
            Map.entry("submission", new Scheme(Protocol.SMTP, 587, false)),
            Map.entry("smtps", new Scheme(Protocol.SMTP, 465, true)),
            Map.entry("imap", new Scheme(Protocol.IMAP, 143, false)),
            Map.entry("imaps", new Scheme(Protocol.IMAP, 993, true)),
            Map.entry("pop3", new Scheme(Protocol.POP3, 110, false)),
            Map.entry("pop3s", new Scheme(Protocol.POP3, 995, true)),
            Map.entry("lmtp", new Scheme(Protocol.LMTP, 24, false)),
            Map.entry("sieve", new Scheme(Protocol.SIEVE, 4190, false)),
            Map.entry("nntp", new Scheme(Protocol.NNTP, 119, false)),
            Map.entry("nntps", new Scheme(Protocol.NNTP, 563, true)));

    /**
     * Parses a URL.
     *
     * @param url e.g. {@code submission://mail.example.com:587}
     * @return the target
     * @throws IllegalArgumentException when the URL is not one of the supported forms
     */
    public static Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        String schemeName = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Scheme scheme = SCHEMES.get(schemeName);
        if (scheme == null) {
            throw new IllegalArgumentException("unsupported URL scheme in " + url
                    + " (use smtp, submission, smtps, imap, imaps, pop3, pop3s, lmtp, sieve, nntp or nntps)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host in " + url + " (e.g. " + schemeName + "://mail.example.com)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("only scheme://host[:port] is accepted, not " + url);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? scheme.port() : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range in " + url);
        }
        return new Target(schemeName, scheme.protocol(), host, port, scheme.implicit());
    }

    /** The URL in its normal form, with the port, e.g. {@code smtp://mail.example.com:25}. */
    public String url() {
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme + "://" + shownHost + ":" + port;
    }

    @Override
    public String toString() {
        return url();
    }
}
