/**
 * The kit's inside: the protocol responders that answer after the negotiation, and the blocking
 * line I/O that servers and hostile peers share. Not exported.
 */
package org.starttls4j.testkit.internal;
