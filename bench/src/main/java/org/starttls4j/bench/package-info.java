/** JMH benchmarks (being written). */
package org.starttls4j.bench;
