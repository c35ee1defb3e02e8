/**
 * The public face of starttls4j: {@link org.starttls4j.Negotiation} and its
 * {@link org.starttls4j.Transition}s, configurations, policies, events and failures, and the
 * {@link org.starttls4j.Session}s a negotiation hands over. Protocol entry points live in their
 * own packages ({@code org.starttls4j.smtp.Smtp}, {@code org.starttls4j.imap.Imap},
 * {@code org.starttls4j.pop3.Pop3}).
 */
package org.starttls4j;
