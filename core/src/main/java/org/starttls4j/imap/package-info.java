/** IMAP dialogs (in progress). */
package org.starttls4j.imap;
