package dev.tlskit;

/**
 * Decides about a peer given its {@link ValidationReport} (PowerTCP {@code ValidationCallback}, IPWorks
 * {@code SSLServerAuthentication}). Called during the handshake, on the handshaking thread.
 *
 * <p>Installed with {@link TlsPolicy.Builder#validationCallback}, it can only <em>reject</em>: it sees every report
 * and returning false refuses a peer that passed the built-in checks. Accepting a report that has problems is only
 * possible through {@link TlsPolicy.Builder#dangerous()}.
 */
@FunctionalInterface
public interface ValidationCallback {
  /** Returns true to accept the peer described by {@code report}. */
  boolean accept(ValidationReport report);
}
