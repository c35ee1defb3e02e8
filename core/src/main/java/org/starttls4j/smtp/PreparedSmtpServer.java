package org.starttls4j.smtp;

import java.util.Objects;
import org.starttls4j.Capabilities;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;

/**
 * An SMTP server prepared once for one {@link ServerConfig}: what it announces before TLS and the
 * EHLO reply lines that say it, computed here and shared by every negotiation made from it. A
 * server that accepts many connections with one configuration prepares once and asks this value
 * for each connection's negotiation, e.g. {@code NioServer.builder(config, c -> smtp.negotiation())};
 * {@link Smtp#server(ServerConfig)} prepares afresh on each call.
 *
 * <p>An explicit value rather than a cache inside the dialog: the dialog stays free of shared
 * mutable state, and what is computed once is visible where it is kept (the announcement, the EHLO
 * lines, the greeting, and the dialog itself, which has one state). Immutable and safe to share
 * between threads.
 */
public final class PreparedSmtpServer {

    private final ServerConfig config;
    private final Capabilities announced;
    private final String ehloLines;
    private final SmtpServerDialog dialog;

    private PreparedSmtpServer(ServerConfig config) {
        this.config = config;
        this.announced = EhloCapabilities.beforeTls(config);
        this.ehloLines = EhloCapabilities.lines(announced);
        this.dialog = new SmtpServerDialog(this); // last: it reads what is above
    }

    /**
     * Prepares a server for {@code config}.
     *
     * @param config the server configuration
     * @return the prepared server
     * @throws NullPointerException if {@code config} is null
     */
    public static PreparedSmtpServer of(ServerConfig config) {
        return new PreparedSmtpServer(Objects.requireNonNull(config, "config"));
    }

    /**
     * The configuration it was prepared for.
     *
     * @return the configuration
     */
    public ServerConfig config() {
        return config;
    }

    /**
     * What the server announces in its EHLO reply before TLS (see {@link EhloCapabilities#beforeTls}).
     *
     * @return the capabilities
     */
    public Capabilities announcedBeforeTls() {
        return announced;
    }

    /** The EHLO reply's lines after its first, for {@link EhloCapabilities#reply(String, String, boolean, String)}. */
    String ehloLines() {
        return ehloLines;
    }

    /** The dialog every negotiation of this server starts from: immutable, with one state, so shared. */
    SmtpServerDialog dialog() {
        return dialog;
    }

    /**
     * A new server negotiation, as {@link Smtp#server(ServerConfig)} makes one.
     *
     * @return the unstarted negotiation
     */
    public Negotiation negotiation() {
        return Negotiation.server(config, dialog);
    }

    /**
     * A new resumed server negotiation, as {@link Smtp#serverResuming(ServerConfig)} makes one.
     *
     * @return the unstarted negotiation
     */
    public Negotiation resuming() {
        return Negotiation.serverResuming(config, dialog);
    }
}
