/** starttls4j over java.nio channels (being written). */
package org.starttls4j.nio;
