/**
 * The public face of starttls4j: {@link org.starttls4j.Negotiation} and its
 * {@link org.starttls4j.Transition}s, configurations, policies, events and failures, and the
 * {@link org.starttls4j.Session}s a negotiation hands over. Protocol entry points live in their
 * own packages ({@code org.starttls4j.smtp.Smtp}, {@code org.starttls4j.imap.Imap},
 * {@code org.starttls4j.pop3.Pop3}).
 *
 * <p>The dialog SPI lives here too: the two small interfaces a protocol implements,
 * {@link org.starttls4j.ClientDialog} and {@link org.starttls4j.ServerDialog}, and the steps they
 * answer with ({@link org.starttls4j.ClientStep}, {@link org.starttls4j.ServerStep}). Adding a
 * protocol is one new package implementing these and calling {@link org.starttls4j.Negotiation#client}
 * or {@link org.starttls4j.Negotiation#server}; nothing else changes. (They are one layer with the
 * values they are written in, {@link org.starttls4j.Failure} and {@link org.starttls4j.Capabilities},
 * and with the negotiation that drives them: a package of their own made a cycle with this one.)
 */
package org.starttls4j;
