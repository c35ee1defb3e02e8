/**
 * SMTP: the reply parser, the client dialog and the server dialog, and {@link org.starttls4j.smtp.Smtp},
 * the entry points.
 */
package org.starttls4j.smtp;
