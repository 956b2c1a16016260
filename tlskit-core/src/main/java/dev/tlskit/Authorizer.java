package dev.tlskit;

import java.util.Set;

/**
 * Decides, after a TLS handshake and before the handler sees the connection, whether a peer may continue. A server
 * calls it once per handshake: for implicit TLS before the handler runs, for an in-place upgrade inside {@link
 * ServerConnection#upgradeToTls(String)}. A refused peer is disconnected and counted as {@link
 * ServerMetrics.HandshakeFailure#PEER_NOT_AUTHORIZED}.
 */
@FunctionalInterface
public interface Authorizer {
  /** Admits every peer that completed the handshake (the default). */
  Authorizer ALLOW_ALL = connection -> true;

  /**
   * Returns true to admit the peer. {@link ServerConnection#peerIdentity()} holds the verified client certificate,
   * if any; {@link ServerConnection#remoteAddress()} the peer address (from the PROXY header when one was read).
   */
  boolean permits(ServerConnection connection);

  /** Returns an authorizer admitting only peers whose leaf certificate has one of these SHA-256 fingerprints. */
  static Authorizer fingerprints(Set<String> sha256Fingerprints) {
    Set<String> allowed = Set.copyOf(sha256Fingerprints.stream().map(String::toUpperCase).toList());
    return c -> c.peerIdentity().map(p -> allowed.contains(p.sha256Fingerprint())).orElse(false);
  }

  /** Returns an authorizer admitting only peers that presented a verified certificate. */
  static Authorizer requireCertificate() {
    return c -> c.peerIdentity().isPresent();
  }
}
