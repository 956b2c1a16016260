package dev.tlskit;

import dev.tlskit.internal.io.LineInput;
import dev.tlskit.internal.io.Closing;
import dev.tlskit.internal.server.CountingStreams;
import dev.tlskit.internal.server.Upgrader;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * One connection accepted by a {@link TlsServer} (or secured by a {@link ServerTls}), plaintext or TLS, that a
 * plaintext connection can upgrade in place (the server side of STARTTLS). All reads go through one buffer owned by
 * this connection, so the upgrade can refuse to proceed when the client pipelined bytes after its upgrade command. Not
 * thread-safe: one reader and one writer.
 */
public final class ServerConnection implements Closeable {
  private static final int BUFFER_SIZE = 16 * 1024;

  private final Upgrader upgrader;
  private final Socket raw;
  private final InetSocketAddress remote;
  private Socket socket;
  private LineInput in;
  private OutputStream out;
  private SecurityInfo securityInfo;
  private PeerIdentity peer;

  private ServerConnection(Socket raw, InetSocketAddress remote, Upgrader upgrader, boolean tls) throws IOException {
    this.upgrader = upgrader;
    this.raw = raw;
    this.remote = remote != null ? remote : (InetSocketAddress) raw.getRemoteSocketAddress();
    // Over implicit TLS nothing is read or written in plaintext: the streams are made once, over the TLS socket
    // (plaintext ones made first were garbage at once, 2 KB per connection).
    if (tls) {
      this.socket = raw;
    } else {
      attach(raw);
    }
  }

  /**
   * Opens a connection over {@code raw}, the socket as accepted; with {@code tls}, secures it at once (handshake and
   * authorizer) and closes it when that fails. {@code remote} is the client's address when it differs from the TCP
   * peer's (PROXY protocol), else null.
   */
  static ServerConnection open(Socket raw, InetSocketAddress remote, Upgrader upgrader, boolean tls)
      throws IOException {
    ServerConnection c = new ServerConnection(raw, remote, upgrader, tls);
    if (tls) c.secure();
    return c;
  }

  private void attach(Socket s) throws IOException {
    this.socket = s;
    this.in = new LineInput(CountingStreams.in(s.getInputStream(), upgrader.bytesIn()), BUFFER_SIZE);
    // The JDK's default-size BufferedOutputStream starts at 512 bytes on a virtual thread and grows to 8 KiB; a
    // fixed 16 KiB buffer cost every idle connection 16 KiB of heap (IdleConnections in tlskit-bench).
    this.out = new BufferedOutputStream(CountingStreams.out(s.getOutputStream(), upgrader.bytesOut()));
  }

  /** Runs the handshake and the authorizer over the raw socket; on any failure the connection is closed. */
  private SecurityInfo secure() throws IOException {
    try {
      Upgrader.Secured secured = upgrader.handshake(raw);
      attach(secured.socket());
      securityInfo = secured.info();
      peer = securityInfo.peerChain().isEmpty() ? null : PeerIdentity.of(securityInfo.peerChain());
      upgrader.admit(this);
      return securityInfo;
    } catch (IOException | RuntimeException e) {
      Closing.quietly(this);
      throw e;
    }
  }

  /**
   * Sends {@code readyReply} (a CRLF is appended) and upgrades this plaintext connection to TLS in place, as the
   * server side of STARTTLS / STLS / AUTH TLS; returns what was negotiated. Call it right after reading the client's
   * upgrade command.
   *
   * <p>Any byte the client sent after the upgrade command and before the handshake is treated as an injection
   * attempt (CVE-2011-0411 class): nothing is answered, the connection is closed and a {@link TlsSecurityException}
   * with reason {@link TlsSecurityException.Reason#INJECTION_DETECTED} is thrown. Bytes that arrive after the reply
   * but before the handshake are not TLS and fail the handshake. The {@link Authorizer} runs before this returns.
   *
   * @throws IllegalStateException if the connection is already TLS
   * @throws TlsSecurityException if plaintext was pipelined, or the handshake or the peer was refused
   */
  public SecurityInfo upgradeToTls(String readyReply) throws IOException {
    if (isTls()) throw new IllegalStateException("connection from " + remote + " is already TLS");
    out.flush();
    var ahead = dev.tlskit.internal.io.PlaintextAhead.of(in, raw); // the client's check too
    if (ahead != null) {
      upgrader.refuse(ServerMetrics.HandshakeFailure.INJECTION_DETECTED, ahead.bytes() + " byte(s) pipelined");
      close();
      throw ahead.refusal(remote, "followed the upgrade command");
    }
    out.write((readyReply + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return secure();
  }

  /** Returns true once the connection speaks TLS (from the start or after {@link #upgradeToTls(String)}). */
  public boolean isTls() {
    return socket instanceof SSLSocket;
  }

  /** Returns what was negotiated, or null while the connection is plaintext. */
  public SecurityInfo securityInfo() {
    return securityInfo;
  }

  /** Returns the verified client certificate's identity; empty when the client sent none (or no TLS yet). */
  public Optional<PeerIdentity> peerIdentity() {
    return Optional.ofNullable(peer);
  }

  /** Returns the host name the client asked for with SNI; empty when it sent none. */
  public Optional<String> requestedServerName() {
    return Optional.ofNullable(securityInfo == null ? null : securityInfo.peerName());
  }

  /** Returns the ALPN protocol selected, or empty when none was negotiated. */
  public Optional<String> applicationProtocol() {
    return securityInfo == null || securityInfo.alpn() == null || securityInfo.alpn().isEmpty()
        ? Optional.empty() : Optional.of(securityInfo.alpn());
  }

  /** Returns the client's address: from the PROXY protocol header when one was read, else the TCP peer. */
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  /** Returns the TCP peer, which is the load balancer when the PROXY protocol is on. */
  public InetSocketAddress transportRemoteAddress() {
    return (InetSocketAddress) raw.getRemoteSocketAddress();
  }

  /** Returns the local address the connection was accepted on. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) raw.getLocalSocketAddress();
  }

  /** Returns true when the client is on a loopback address. */
  public boolean isLoopback() {
    return remote.getAddress().isLoopbackAddress();
  }

  /** Returns true once the server has begun a graceful shutdown; long-running handlers should wind down. */
  public boolean serverShuttingDown() {
    return upgrader.shuttingDown();
  }

  /**
   * Reads one protocol line (terminated by LF, a preceding CR removed), decoded as UTF-8.
   *
   * @throws ProtocolException when the line exceeds {@code maxLength} bytes
   * @throws java.io.EOFException when the peer closes first
   * @throws java.net.SocketTimeoutException when the idle timeout passes without data
   */
  public String readLine(int maxLength) throws IOException {
    return in.readLine(maxLength);
  }

  /** Returns the buffered input stream of this connection; it changes after an upgrade. */
  public InputStream input() {
    return in;
  }

  /** Returns the buffered output stream of this connection; callers flush. It changes after an upgrade. */
  public OutputStream output() {
    return out;
  }

  /** Writes {@code line} and CRLF, UTF-8, and flushes. */
  public void writeLine(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Returns the current socket (TLS after an upgrade), for socket options. */
  public Socket socket() {
    return socket;
  }

  /** Closes the connection; over TLS a close_notify alert is sent first. */
  @Override
  public void close() throws IOException {
    Closing.flushThenClose(out, socket, raw);
  }

  @Override
  public String toString() {
    return "connection from " + remote + (isTls() ? " (" + securityInfo.protocol() + ")" : " (plaintext)");
  }
}
