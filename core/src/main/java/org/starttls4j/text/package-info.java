/** Bounded CRLF line framing shared by all dialogs. */
package org.starttls4j.text;
