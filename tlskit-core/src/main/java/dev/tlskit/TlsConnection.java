package dev.tlskit;

import dev.tlskit.internal.io.Closing;
import dev.tlskit.internal.io.GrowingOutput;
import dev.tlskit.internal.io.LineInput;
import dev.tlskit.internal.io.PlaintextAhead;
import dev.tlskit.internal.net.TransportSocket;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.ssl.SSLSession;
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

    /** Returns the typed refusal when {@code e} reports the peer's alert about our client certificate, else null. */
    TlsSecurityException refusal(SSLSocket socket, String peerName, Throwable e);

    /**
     * Returns what to throw for a write that failed (reset, broken pipe) on {@code socket}: the typed refusal when the
     * peer's alert about our client certificate arrives within a short wait, else {@code failure}.
     */
    IOException explain(SSLSocket socket, String peerName, IOException failure);
  }

  private final Upgrader upgrader;
  private final String peerName;
  private final TlsClient client;
  private final TransportSocket transport;
  private Socket socket;
  private Socket plainBelow; // the plaintext socket under an upgraded TLS layer, for endTls()
  private LineInput in;
  private OutputStream out;
  private SecurityInfo securityInfo;
  private volatile boolean tlsEnded;
  private volatile boolean truncated;
  private boolean writeFailureExplained;

  TlsConnection(Socket socket, String peerName, Upgrader upgrader) throws IOException {
    this(socket, peerName, upgrader, null);
  }

  TlsConnection(Socket socket, String peerName, Upgrader upgrader, TlsClient client) throws IOException {
    this(socket, peerName, upgrader, client, socket instanceof TransportSocket t ? t : null);
  }

  TlsConnection(Socket socket, String peerName, Upgrader upgrader, TlsClient client, TransportSocket transport)
      throws IOException {
    this.upgrader = Objects.requireNonNull(upgrader);
    this.peerName = Objects.requireNonNull(peerName);
    this.client = client;
    this.transport = transport;
    attach(socket);
    if (socket instanceof SSLSocket ssl) securityInfo = upgrader.describe(ssl, peerName);
  }

  private void attach(Socket s) throws IOException {
    this.socket = s;
    boolean tls = s instanceof SSLSocket;
    InputStream raw = tls ? new TlsEndWatch(s.getInputStream()) : s.getInputStream();
    this.in = new LineInput(raw, BUFFER_SIZE);
    // Grows to BUFFER_SIZE only while writes fill it: a fixed 16 KiB buffer was half of what TlsKit allocated per
    // handshake beyond the raw JDK.
    this.out = new GrowingOutput(tls ? new TlsWriteWatch(s.getOutputStream()) : s.getOutputStream(), BUFFER_SIZE);
  }

  /** Returns {@code e} as the typed refusal when it reports the peer's alert about our client certificate. */
  private IOException refusedOr(IOException e) {
    if (e instanceof TlsKitException) return e;
    TlsSecurityException refused = upgrader.refusal((SSLSocket) socket, peerName, e);
    return refused != null ? refused : e;
  }

  /**
   * Turns a write failure the transport held (a TLS 1.3 server may refuse our certificate after the handshake, then
   * close) into the server's refusal when its alert arrives, else into the failure itself.
   */
  private void checkHeldWriteFailure() throws IOException {
    IOException held = transport == null ? null : transport.heldWriteFailure();
    if (held == null || writeFailureExplained) return;
    writeFailureExplained = true;
    transport.holdWriteFailures(false);
    throw upgrader.explain((SSLSocket) socket, peerName, held);
  }

  /** Reports the peer's refusal of our client certificate on writes (see {@link #checkHeldWriteFailure()}). */
  private final class TlsWriteWatch extends FilterOutputStream {
    TlsWriteWatch(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) { // SSLException from the JDK, TlsFatalAlertReceived from BouncyCastle
        throw refusedOr(e);
      }
      checkHeldWriteFailure();
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) { // SSLException from the JDK, TlsFatalAlertReceived from BouncyCastle
        throw refusedOr(e);
      }
      checkHeldWriteFailure();
    }
  }

  /** Notes how the TLS stream ended: with close_notify, or with the TCP stream cut under it (truncation). */
  private final class TlsEndWatch extends FilterInputStream {
    TlsEndWatch(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException e) { // SSLException from the JDK, TlsFatalAlertReceived from BouncyCastle
        throw refusedOr(e);
      }
      if (n > 0 && transport != null) transport.holdWriteFailures(false); // the server let us in
      if (n < 0) {
        IOException held = transport == null ? null : transport.heldWriteFailure();
        if (held != null) throw held; // what we wrote was lost: not a clean end
        ended();
      }
      return n;
    }

    private void ended() throws TlsSecurityException {
      if (!tlsEnded) {
        tlsEnded = true;
        // The JDK returns -1 on close_notify without reading further; if the TCP stream had ended, no close_notify
        // came first.
        truncated = transport != null && transport.rawEndOfStream();
      }
      if (truncated && client != null && client.failOnTruncation()) {
        throw new TlsSecurityException(TlsSecurityException.Reason.TRUNCATED,
            peerName + " closed the connection without TLS close_notify: the data may be truncated");
      }
    }
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
    refusePlaintextAhead();
    SSLSocket ssl;
    try {
      ssl = upgrader.handshake(socket, peerName);
    } catch (IOException e) {
      closeQuietly();
      throw e;
    }
    plainBelow = socket;
    attach(ssl);
    securityInfo = upgrader.describe(ssl, peerName);
    return securityInfo;
  }

  /**
   * Ends TLS on a connection that {@link #upgradeToTls()} upgraded and goes on in plaintext over the same TCP
   * connection: sends close_notify, reads up to the peer's, then reads and writes plaintext. Only for FTP's {@code
   * CCC} (RFC 4217 section 12.3), after the peer's positive answer to it was read. {@link #securityInfo()} still says
   * what the TLS layer had negotiated; {@link #isTls()} is false afterwards.
   *
   * @throws IllegalStateException if the connection is not TLS, or its TLS was not started by {@link #upgradeToTls()}
   *     (implicit TLS has no plaintext layer to return to)
   * @throws TlsSecurityException with reason {@link TlsSecurityException.Reason#INJECTION_DETECTED} when the peer
   *     sent data before its close_notify (the connection is then closed)
   */
  public void endTls() throws IOException {
    if (!isTls() || !(plainBelow instanceof TransportSocket below)) {
      throw new IllegalStateException("connection to " + peerName + " has no plaintext layer under its TLS");
    }
    out.flush();
    SSLSocket ssl = (SSLSocket) socket;
    if (in.buffered() > 0) {
      closeQuietly();
      throw new TlsSecurityException(TlsSecurityException.Reason.INJECTION_DETECTED,
          peerName + " sent data after its answer to the end of TLS");
    }
    below.keepOpenOnClose(true); // the TLS layer closes the socket under it once both directions ended
    int n;
    try {
      ssl.shutdownOutput(); // close_notify
      n = ssl.getInputStream().read(new byte[1]); // up to the peer's close_notify
    } finally {
      below.keepOpenOnClose(false);
    }
    if (n >= 0) {
      closeQuietly();
      below.close();
      throw new TlsSecurityException(TlsSecurityException.Reason.INJECTION_DETECTED,
          peerName + " sent data instead of close_notify when TLS ended");
    }
    attach(below);
    plainBelow = null;
  }

  /**
   * Hands the plaintext socket over to a caller that runs the TLS handshake itself, after the same refusal of early
   * plaintext as {@link #upgradeToTls()}. Only for a scanner that writes its own ClientHello right after the upgrade
   * reply ({@code tlskit probe --starttls}); everyone else calls {@link #upgradeToTls()}. This connection is spent
   * afterwards: the caller owns the socket, and nothing was read past the upgrade reply.
   *
   * @throws IllegalStateException if the connection is already TLS
   * @throws TlsSecurityException with reason {@link TlsSecurityException.Reason#INJECTION_DETECTED} if plaintext was
   *     waiting (the socket is then closed)
   */
  public Socket handOverForOwnHandshake() throws IOException {
    if (isTls()) throw new IllegalStateException("connection to " + peerName + " is already TLS");
    refusePlaintextAhead();
    return socket;
  }

  /** Flushes, then refuses (closing the connection) when plaintext is waiting ahead of the handshake. */
  private void refusePlaintextAhead() throws IOException {
    out.flush();
    PlaintextAhead ahead = PlaintextAhead.of(in, socket);
    if (ahead != null) {
      closeQuietly();
      throw ahead.refusal(peerName, "arrived before the TLS handshake");
    }
  }

  /**
   * Returns true when the peer ended the TLS stream without close_notify (an attacker or a crash may have cut the
   * data short). False while the stream is open, after a clean close, and for plaintext connections.
   */
  public boolean truncated() {
    return truncated;
  }

  /** Returns true once the TLS input has ended, cleanly or not. */
  public boolean tlsEnded() {
    return tlsEnded;
  }

  /**
   * Waits up to {@code timeout} for the peer to send something, consuming nothing: returns true when input (or the
   * end of the stream) is ready to read, false when nothing arrived in time. A TLS alert the peer sent after the
   * handshake is thrown here; one refusing our client certificate (TLS 1.3's certificate_required, unknown_ca, ...)
   * as {@link TlsSecurityException} with reason {@link TlsSecurityException.Reason#CLIENT_CERTIFICATE_REFUSED}, as
   * from any read or write.
   */
  public boolean awaitInput(java.time.Duration timeout) throws IOException {
    int previous = socket.getSoTimeout();
    socket.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
    try {
      in.awaitData();
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } finally {
      if (!socket.isClosed()) socket.setSoTimeout(previous);
    }
  }

  /** Returns the client that opened this connection, or null when it was made otherwise. */
  public TlsClient client() {
    return client;
  }

  /** Returns the TLS session, or null while the connection is plaintext. */
  public SSLSession sslSession() {
    return socket instanceof SSLSocket ssl ? ssl.getSession() : null;
  }

  /** Returns the bytes sent on the wire so far (TLS records included), or -1 when unknown. */
  public long bytesSent() {
    return transport == null ? -1 : transport.bytesOut();
  }

  /** Returns the bytes received on the wire so far (TLS records included), or -1 when unknown. */
  public long bytesReceived() {
    return transport == null ? -1 : transport.bytesIn();
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
   * Reads one protocol line (terminated by LF, a preceding CR removed), decoded as UTF-8. While the connection is
   * plaintext, a TLS record where the line should start (a TLS port dialled in plaintext, an alert in answer to
   * STARTTLS) fails at once rather than after the read timeout.
   *
   * @throws ProtocolException when the line exceeds {@code maxLength} bytes, or the peer answered in TLS
   * @throws java.io.EOFException when the peer closes first
   */
  public String readLine(int maxLength) throws IOException {
    if (!isTls()) in.refuseTlsRecord(peerName);
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
    Closing.flushThenClose(out, socket);
  }

  private void closeQuietly() {
    Closing.quietly(socket);
  }
}
