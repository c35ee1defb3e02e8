/** POP3 dialogs (in progress). */
package org.starttls4j.pop3;
