/** Bounded CRLF line framing shared by all dialogs, and the result type of the core's parsers. */
package org.starttls4j.text;
