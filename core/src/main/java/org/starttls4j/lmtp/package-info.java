/**
 * LMTP (RFC 2033) with STARTTLS (RFC 3207): the client dialog, the server dialog and
 * {@link org.starttls4j.lmtp.Lmtp}, the entry points. Replies are SMTP's, read by
 * {@link org.starttls4j.smtp.SmtpReplyReader}.
 */
package org.starttls4j.lmtp;
