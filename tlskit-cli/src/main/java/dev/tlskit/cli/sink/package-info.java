/** Protocol handlers behind {@code tlskit serve}: a line echo and a minimal SMTP sink that spools to files. */
package dev.tlskit.cli.sink;
