/**
 * The inside of the text layer, not exported: bounded CRLF line framing shared by all dialogs, the
 * chain of a multi-line reply's lines, and the {@code key=value;} fields of DNS TXT records.
 */
package org.starttls4j.internal.text;
