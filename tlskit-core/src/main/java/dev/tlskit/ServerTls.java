package dev.tlskit;

import dev.tlskit.internal.concurrent.Threads;
import dev.tlskit.internal.server.Admission;
import dev.tlskit.internal.server.Connections;
import dev.tlskit.internal.server.ServerConfig;
import dev.tlskit.internal.server.ServerEvents;
import dev.tlskit.internal.server.ServerHandshake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;

/**
 * Secures sockets the application accepted itself, as a {@link TlsServer} secures those it accepts: the same
 * certificates (chosen by SNI), policy, client authentication and its validation report, ALPN, authorizer, handshake
 * deadline and refusal counting, and the same {@link ServerConnection} with the client's {@link PeerIdentity}.
 * Built by {@link TlsServer.Builder#buildServerTls()}; thread-safe, one for many sockets.
 *
 * <p>Two doors, as on a server: {@link #secure(Socket)} (implicit TLS: the handshake starts at once) and {@link
 * #plaintext(Socket)} (explicit TLS: the application speaks its own plaintext protocol through the connection, then
 * calls {@link ServerConnection#upgradeToTls(String)}, which refuses any plaintext byte the client pipelined after its
 * upgrade command, as on a server). Of the builder's settings, those about listening do not apply here: addresses,
 * mode, PROXY protocol, connection limits, setup timeout, drain and certificate watching (session-ticket keys are
 * installed once, when it is built, and not re-read); the handler is not run. The
 * listener hears of each secured connection and each refusal, not of their ends (the application closes them).
 */
public final class ServerTls {
  private final ServerEvents events;
  private final Connections connections;

  ServerTls(ServerConfig config) {
    this.events = new ServerEvents(config, Threads.watchdog());
    ServerHandshake handshake = TlsServer.handshake(config);
    try {
      handshake.installTicketKeys(); // once: not watched, as the certificates
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.connections = new Connections(config, handshake, events,
        new Admission(Integer.MAX_VALUE, Integer.MAX_VALUE), Threads.watchdog(), ServerConnection::open, () -> false);
  }

  /**
   * Secures {@code accepted} at once (implicit TLS), then runs the authorizer, and returns the secured connection.
   * Reads wait at most the idle timeout; the handshake at most the handshake timeout.
   *
   * @throws TlsSecurityException when the handshake failed or the peer was refused (the socket is closed; the reason
   *     is in {@link TlsSecurityException#handshakeFailure()} and counted in {@link #metrics()})
   * @throws java.net.SocketTimeoutException when the handshake did not finish within the handshake timeout
   */
  public ServerConnection secure(Socket accepted) throws IOException {
    return connections.adopt(accepted, true);
  }

  /**
   * Returns {@code accepted} as a plaintext connection, for the application's own exchange before it calls {@link
   * ServerConnection#upgradeToTls(String)}. Read the client only through the returned connection from now on: its one
   * buffer is what lets the upgrade prove that nothing was pipelined after the upgrade command.
   */
  public ServerConnection plaintext(Socket accepted) throws IOException {
    return connections.adopt(accepted, false);
  }

  /** Returns a snapshot of the counters: handshakes done and refused, bytes (no connections are counted open). */
  public ServerMetrics metrics() {
    return events.metrics(0);
  }
}
