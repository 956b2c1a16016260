package dev.tlskit;

import java.net.InetSocketAddress;

/**
 * Hears what a {@link TlsServer} does with each connection, for access logs. Called on the connection's own thread;
 * keep it quick. Exceptions it throws are logged (throttled) and ignored. All methods do nothing by default.
 *
 * <p>A refusal or a secured handshake is counted in {@link TlsServer#metrics()} only after {@link #refused} or
 * {@link #secured} returned, and a closed connection leaves {@code connectionsOpen} only after {@link #closed}
 * returned: once a metrics snapshot shows an event, what the listener did for it is visible to the reader.
 */
public interface ServerListener {
  /** A TLS handshake completed and the peer was authorized (implicit TLS, or after an in-place upgrade). */
  default void secured(ServerConnection connection) {}

  /** A connection was dropped before or during its handshake, or refused by the authorizer. */
  default void refused(InetSocketAddress remote, ServerMetrics.HandshakeFailure reason, String detail) {}

  /** A connection ended; {@code error} is null when it ended normally. */
  default void closed(ServerConnection connection, Throwable error) {}
}
