/** JMH micro-benchmarks and load drivers. */
package dev.tlskit.bench;
