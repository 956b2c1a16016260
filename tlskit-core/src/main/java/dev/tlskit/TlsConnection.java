package dev.tlskit;

import dev.tlskit.internal.io.LineInput;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.ssl.SSLSocket;

/**
 * A client connection that is either plaintext or TLS, and that a plaintext connection can be upgraded in place
 * (explicit TLS, as after STARTTLS). All reads go through one buffer owned by this connection, so the upgrade can
 * refuse to proceed when the peer sent bytes ahead of the handshake. Not thread-safe: one reader and one writer.
 */
public final class TlsConnection implements Closeable {
  static final int BUFFER_SIZE = 16 * 1024;

  /** Creates the TLS layer over an established socket; supplied by {@link TlsClient}. */
  interface Upgrader {
    SSLSocket handshake(Socket plain, String peerName) throws IOException;

    SecurityInfo describe(SSLSocket socket, String peerName);
  }

  private final Upgrader upgrader;
  private final String peerName;
  private Socket socket;
  private LineInput in;
  private OutputStream out;
  private SecurityInfo securityInfo;

  TlsConnection(Socket socket, String peerName, Upgrader upgrader) throws IOException {
    this.upgrader = Objects.requireNonNull(upgrader);
    this.peerName = Objects.requireNonNull(peerName);
    attach(socket);
    if (socket instanceof SSLSocket ssl) securityInfo = upgrader.describe(ssl, peerName);
  }

  private void attach(Socket s) throws IOException {
    this.socket = s;
    this.in = new LineInput(s.getInputStream(), BUFFER_SIZE);
    this.out = new BufferedOutputStream(s.getOutputStream(), BUFFER_SIZE);
  }

  /**
   * Upgrades this plaintext connection to TLS in place and returns what was negotiated.
   *
   * <p>Call it right after the peer's positive answer to the upgrade command has been read. Any byte already
   * received and not yet read is treated as an injection attempt: the connection is closed and a {@link
   * TlsSecurityException} with reason {@link TlsSecurityException.Reason#INJECTION_DETECTED} is thrown. Pending
   * output is flushed first.
   *
   * @throws IllegalStateException if the connection is already TLS
   * @throws TlsSecurityException if plaintext was buffered, or the handshake or certificate was rejected
   */
  public SecurityInfo upgradeToTls() throws IOException {
    if (isTls()) throw new IllegalStateException("connection to " + peerName + " is already TLS");
    out.flush();
    int pending = in.buffered() + socket.getInputStream().available();
    if (pending > 0) {
      String preview = in.previewBuffered(80);
      closeQuietly();
      throw new TlsSecurityException(TlsSecurityException.Reason.INJECTION_DETECTED,
          pending + " plaintext byte(s) from " + peerName + " arrived before the TLS handshake and were refused"
              + (preview.isEmpty() ? "" : ": \"" + preview + "\""));
    }
    SSLSocket ssl;
    try {
      ssl = upgrader.handshake(socket, peerName);
    } catch (IOException e) {
      closeQuietly();
      throw e;
    }
    attach(ssl);
    securityInfo = upgrader.describe(ssl, peerName);
    return securityInfo;
  }

  /** Returns true once the connection speaks TLS (from the start or after {@link #upgradeToTls()}). */
  public boolean isTls() {
    return socket instanceof SSLSocket;
  }

  /** Returns what was negotiated, or null while the connection is plaintext. */
  public SecurityInfo securityInfo() {
    return securityInfo;
  }

  /** Returns the name the peer's certificate is verified against (SNI is sent for it unless it is an IP literal). */
  public String peerName() {
    return peerName;
  }

  /** Returns the address actually connected to. */
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) socket.getRemoteSocketAddress();
  }

  /** Returns true when the peer is on a loopback address. */
  public boolean isLoopback() {
    return remoteAddress().getAddress().isLoopbackAddress();
  }

  /**
   * Reads one protocol line (terminated by LF, a preceding CR removed), decoded as UTF-8.
   *
   * @throws ProtocolException when the line exceeds {@code maxLength} bytes
   * @throws java.io.EOFException when the peer closes first
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

  /** Returns the underlying socket, for timeouts and socket options. */
  public Socket socket() {
    return socket;
  }

  /** Closes the connection; over TLS a close_notify alert is sent first. */
  @Override
  public void close() throws IOException {
    try {
      out.flush();
    } catch (IOException ignored) {
      // the peer may be gone already; closing is what matters
    } finally {
      socket.close();
    }
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing more to do
    }
  }
}
