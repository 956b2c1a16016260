package dev.tlskit.internal.ftp;

import dev.tlskit.TlsSecurityException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Drives a client {@link SSLEngine} over a connected socket and offers the result as blocking streams.
 *
 * <p>Exists because only an engine lets the caller choose the host and port under which the JDK looks up a session to
 * resume: a data connection created with the control connection's host and port offers the control connection's TLS
 * 1.3 ticket, which FTPS servers that demand session reuse require. A layered {@code SSLSocket} always keys the
 * lookup by the data socket's own port. Not thread-safe: one reader and one writer, as FTP data transfers are.
 */
public final class EngineSocket implements ProtectedData {
  private final SSLEngine engine;
  private final Socket socket;
  private final InputStream rawIn;
  private final OutputStream rawOut;
  private ByteBuffer netIn;
  private ByteBuffer appIn;
  private ByteBuffer netOut;
  private final int appRecord;
  private boolean inboundDone;
  /** True once the TCP stream ended after the handshake without the server's close_notify. */
  private boolean truncated;
  /** True once a record after the handshake carried no application data: a TLS 1.3 session ticket (or KeyUpdate). */
  private boolean postHandshakeSeen;
  /** True once {@link #handshake} completed. */
  private boolean handshaken;
  /** How long the handshake took: what {@link #takeTickets} waits for the server's tickets is derived from it. */
  private long handshakeNanos;
  /**
   * True when the handshake resumed a TLS 1.3 session (the server issues tickets, and the next connection needs one)
   * on an engine that ignores tickets after its own close_notify.
   */
  private boolean ticketsBeforeClose;
  private final InputStream in = new In();
  private final OutputStream out = new Out();

  /** Wraps {@code socket}; call {@link #handshake(SSLSession, boolean)} before using the streams. */
  public EngineSocket(SSLEngine engine, Socket socket) throws IOException {
    this.engine = engine;
    this.socket = socket;
    this.rawIn = socket.getInputStream();
    this.rawOut = socket.getOutputStream();
    SSLSession s = engine.getSession();
    // Room for several records per socket read and per unwrap round: fewer system calls on bulk transfers.
    netIn = ByteBuffer.allocate(4 * s.getPacketBufferSize());
    appIn = ByteBuffer.allocate(4 * s.getApplicationBufferSize());
    appRecord = s.getApplicationBufferSize();
    netOut = ByteBuffer.allocate(s.getPacketBufferSize());
    appIn.flip(); // empty, ready to read from
  }

  /**
   * Runs the handshake to completion; blocks, bounded by the socket's read timeout. {@code control} is the session this
   * connection should resume; {@code ticketsAfterClose}: the engine still takes session tickets that come after its
   * own close_notify (the JDK's does; BoringSSL ignores them). When the handshake resumed a TLS 1.3 session and the
   * engine would not, {@link #close()} reads the server's new tickets before sending close_notify.
   */
  public void handshake(SSLSession control, boolean ticketsAfterClose) throws IOException {
    long start = System.nanoTime();
    engine.beginHandshake();
    drive();
    handshakeNanos = System.nanoTime() - start;
    handshaken = true;
    ticketsBeforeClose = !ticketsAfterClose && "TLSv1.3".equals(engine.getSession().getProtocol())
        && Resumption.resumed(control, engine.getSession());
  }

  private void drive() throws IOException {
    while (true) {
      switch (engine.getHandshakeStatus()) {
        case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          if (!unwrapOnce()) throw new EOFException("data connection closed during the TLS handshake");
        }
        case NEED_TASK -> {
          Runnable task;
          while ((task = engine.getDelegatedTask()) != null) task.run();
        }
        default -> {
          return;
        }
      }
    }
  }

  private void wrap(ByteBuffer src) throws IOException {
    while (true) {
      netOut.clear();
      SSLEngineResult r = engine.wrap(src, netOut);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        netOut = ByteBuffer.allocate(netOut.capacity() * 2);
        continue;
      }
      netOut.flip();
      rawOut.write(netOut.array(), 0, netOut.limit());
      if (r.getStatus() == SSLEngineResult.Status.CLOSED || !src.hasRemaining()) {
        rawOut.flush();
        return;
      }
    }
  }

  /**
   * Unwraps one TLS record, reading from the socket as needed. Plaintext lands in {@code appIn}.
   *
   * @return false at end of the TLS stream (close_notify received)
   */
  private boolean unwrapOnce() throws IOException {
    appIn.compact();
    boolean produced = false;
    try {
      while (true) {
        netIn.flip();
        SSLEngineResult r = engine.unwrap(netIn, appIn);
        netIn.compact();
        switch (r.getStatus()) {
          case OK -> {
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
              Runnable task;
              while ((task = engine.getDelegatedTask()) != null) task.run();
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) wrap(ByteBuffer.allocate(0));
            if (r.bytesConsumed() > 0 && r.bytesProduced() == 0 && handshaken) postHandshakeSeen = true;
            boolean more = netIn.position() > 0 && appIn.remaining() >= appRecord
                && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
            if (!more) return true;
            produced = true;
          }
          case CLOSED -> {
            inboundDone = true;
            return false;
          }
          case BUFFER_OVERFLOW -> {
            ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() * 2);
            appIn.flip();
            bigger.put(appIn);
            appIn = bigger;
          }
          case BUFFER_UNDERFLOW -> {
            if (produced) return true; // hand out what we have before blocking on the socket
            if (netIn.remaining() == 0) {
              ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
              netIn.flip();
              bigger.put(netIn);
              netIn = bigger;
            }
            int n = rawIn.read(netIn.array(), netIn.position(), netIn.remaining());
            if (n < 0) {
              inboundDone = true;
              endedWithoutCloseNotify();
              return false;
            }
            netIn.position(netIn.position() + n);
          }
        }
      }
    } finally {
      appIn.flip();
    }
  }

  /**
   * The TCP stream ended with no close_notify. During the handshake that is for the caller to report (the server
   * refused or dropped the data connection); after it, the data may be truncated, whatever the engine says: the JDK's
   * and netty's engines both raise an {@code SSLException} from {@code closeInbound()} here, each in its own words, so
   * the error is {@link ProtectedData#truncated}, the same for every engine, and every later read repeats it.
   */
  private void endedWithoutCloseNotify() throws TlsSecurityException {
    SSLException said = null;
    try {
      engine.closeInbound();
    } catch (SSLException e) {
      said = e;
    }
    if (!handshaken) return;
    truncated = true;
    throw ProtectedData.truncated(said);
  }

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return out;
  }

  @Override
  public SSLSession session() {
    return engine.getSession();
  }

  @Override
  public Socket socket() {
    return socket;
  }

  /**
   * Sends close_notify (so the server knows an upload is complete, not cut), reads what the server still sends until
   * its own close_notify, and closes the socket. Reading matters twice over: TLS 1.3 servers send session tickets
   * after the handshake, and each later data connection needs a fresh one to resume (tickets are single-use); and
   * closing a socket with unread input makes the kernel send a reset, which servers report as a failed upload.
   */
  @Override
  public void close() throws IOException {
    try {
      if (!engine.isOutboundDone()) {
        if (ticketsBeforeClose && !inboundDone && !postHandshakeSeen) takeTickets();
        engine.closeOutbound();
        wrap(ByteBuffer.allocate(0));
      }
      long budget = 1 << 20; // bounded: a server that keeps sending is not waited for
      while (!inboundDone && budget > 0) {
        if (!unwrapOnce()) break;
        budget -= appIn.remaining() + 1;
        appIn.position(appIn.limit()); // discard application data nobody will read
      }
      // An engine that ends its inbound side once its own close_notify is out (netty's OpenSSL engine) leaves the
      // server's last records (TLS 1.3 tickets) unread: read them off the socket, after our FIN, up to the server's.
      byte[] rest = new byte[8192];
      socket.shutdownOutput();
      for (int n = 0; n >= 0 && budget > 0; n = rawIn.read(rest)) budget -= n + 1;
    } catch (IOException e) {
      // the peer may have closed first; closing the socket is what matters now
    } finally {
      socket.close();
    }
  }

  /**
   * Reads the server's session tickets before our close_notify, on a resumed TLS 1.3 connection that has read none yet
   * (an upload reads nothing), when the engine is BoringSSL (the native engine), which ignores tickets that arrive
   * after its own close_notify (the JDK's engine takes them in the drain after it). Tickets are single-use, so without
   * a fresh one from each data connection a later one has none left to resume (vsftpd: 522 on the third upload in a
   * row). A TLS 1.3 server sends its tickets right after the handshake, so they come within about a round trip: waits
   * at most twice the data handshake's duration plus 10 ms (never past the read timeout) for the first, then takes
   * what else has already arrived. A server that resumes but sends no new ticket (ProFTPD on uploads) costs that wait
   * per upload.
   */
  private void takeTickets() throws IOException {
    int readTimeout = socket.getSoTimeout();
    long wait = 2 * handshakeNanos / 1_000_000 + 10;
    socket.setSoTimeout((int) (readTimeout > 0 ? Math.min(wait, readTimeout) : wait));
    try {
      // a few records at most: an upload's data connection carries nothing else from the server
      for (int i = 0; i < 8 && (!postHandshakeSeen || netIn.position() > 0 || rawIn.available() > 0); i++) {
        if (!unwrapOnce()) break;
        appIn.position(appIn.limit());
      }
    } catch (SocketTimeoutException e) {
      // no ticket came in time: close without one
    } finally {
      socket.setSoTimeout(readTimeout);
    }
  }

  private final class In extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      while (!appIn.hasRemaining()) {
        if (truncated) throw ProtectedData.truncated(null);
        if (inboundDone) return -1;
        if (!unwrapOnce() && !appIn.hasRemaining()) return -1;
      }
      int n = Math.min(len, appIn.remaining());
      appIn.get(b, off, n);
      return n;
    }

    @Override
    public int available() {
      return appIn.remaining();
    }

    @Override
    public void close() throws IOException {
      EngineSocket.this.close();
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      wrap(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void flush() throws IOException {
      rawOut.flush();
    }

    @Override
    public void close() throws IOException {
      EngineSocket.this.close();
    }
  }
}
