package dev.tlskit.internal.server;

import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerConnection;
import dev.tlskit.ServerMetrics.HandshakeFailure;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLSocket;

/**
 * What a {@link ServerConnection} asks of whoever secures it: the server side's seam, as {@code TlsConnection.Upgrader}
 * is the client's. The connection owns its socket, buffers and state; the upgrader owns the TLS context, the policy,
 * the authorizer, the deadlines and the counting. Every refusal is counted and reported by the upgrader before it is
 * thrown; the connection then closes itself.
 */
public interface Upgrader {
  /** A completed server-side handshake. */
  record Secured(SSLSocket socket, SecurityInfo info) {}

  /**
   * Runs the server side of a TLS handshake over {@code plain} (the connection's raw socket).
   *
   * @throws dev.tlskit.TlsSecurityException when the handshake failed or was refused, with its {@link HandshakeFailure}
   * @throws java.net.SocketTimeoutException when it did not finish in time
   */
  Secured handshake(Socket plain) throws IOException;

  /**
   * Admits or refuses the peer of a just-secured connection (the {@link dev.tlskit.Authorizer}), and reports it
   * secured when admitted.
   *
   * @throws dev.tlskit.TlsSecurityException when the peer was refused
   */
  void admit(ServerConnection c) throws IOException;

  /** Counts and reports a refusal the connection itself found (plaintext pipelined before an upgrade). */
  void refuse(HandshakeFailure why, String detail);

  /** Returns true once the server has begun a graceful shutdown. */
  boolean shuttingDown();

  /** Returns the counter of application bytes read. */
  LongAdder bytesIn();

  /** Returns the counter of application bytes written. */
  LongAdder bytesOut();
}
