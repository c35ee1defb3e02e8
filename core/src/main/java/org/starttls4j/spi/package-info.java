/**
 * The two small interfaces a protocol implements — {@link org.starttls4j.spi.ClientDialog} and
 * {@link org.starttls4j.spi.ServerDialog} — and the steps they answer with. Adding a protocol is
 * one new package implementing these; nothing else changes.
 */
package org.starttls4j.spi;
