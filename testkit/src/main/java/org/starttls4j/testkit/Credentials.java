package org.starttls4j.testkit;

import java.util.Objects;

/**
 * A user name and password a client sent, decoded from whichever form it used.
 *
 * @param connection which connection, counted from 1
 * @param layer      whether they travelled in plaintext (readable by anyone on the path) or inside TLS
 * @param mechanism  how: {@code AUTH PLAIN}, {@code AUTH LOGIN}, {@code LOGIN} (IMAP),
 *                   {@code AUTHENTICATE PLAIN} (IMAP), {@code USER/PASS} (POP3), {@code AUTH PLAIN} (POP3)
 * @param user       the user name (the authentication identity)
 * @param password   the password, in the clear
 */
public record Credentials(int connection, Layer layer, String mechanism, String user, String password) {

    /**
     * Checks the components are present.
     *
     * @param connection which connection
     * @param layer the layer they travelled in
     * @param mechanism how they were sent
     * @param user the user name
     * @param password the password
     * @throws NullPointerException when one is missing
     */
    public Credentials {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "#" + connection + " " + (layer == Layer.TLS ? "[tls] " : "[plain] ") + mechanism + " " + user + " / " + password;
    }
}
