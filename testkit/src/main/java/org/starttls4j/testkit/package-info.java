/**
 * Reference mail servers for tests: SMTP, IMAP and POP3 with STARTTLS, implicit TLS or none, on a
 * free loopback port, with a throw-away PKI whose trust material the test hands to the client under
 * test, recording every command with the layer it arrived in. Start one with
 * {@link org.starttls4j.testkit.MailServerExtension}; assert with
 * {@link org.starttls4j.testkit.StartTlsAssertions}.
 */
package org.starttls4j.testkit;
