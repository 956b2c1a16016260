package dev.tlskit.internal.net;

import dev.tlskit.internal.concurrent.Threads;
import dev.tlskit.internal.concurrent.Watchdog;
import dev.tlskit.internal.io.KeyExchangeSniffer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The TCP socket under every connection, wrapping the connected one: it bounds each write with a watchdog (the JDK
 * has no write timeout), counts bytes, and remembers whether the peer's TCP stream ended, which is how a TLS stream
 * that ends without close_notify (truncation) is told apart from a clean close. TLS layers over it.
 */
public final class TransportSocket extends Socket {
  private final Socket delegate;
  private final long writeTimeoutMillis;
  private final InputStream in;
  private final OutputStream out;
  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicLong bytesOut = new AtomicLong();
  private volatile boolean keepOpenOnClose;
  private volatile int reportedPort = -1;
  private volatile boolean rawEof;
  private volatile boolean writeTimedOut;
  private final long writeTimeoutNanos;
  private final AtomicBoolean alarmArmed = new AtomicBoolean();
  private volatile long writeStarted; // System.nanoTime() | 1 while a write is in progress, else 0
  private volatile Watchdog.Task alarm;
  private volatile boolean closed;
  private volatile boolean holdWriteFailures;
  private volatile IOException heldWriteFailure;
  private volatile KeyExchangeSniffer inboundFlight;
  private volatile KeyExchangeSniffer outboundFlight;
  // Reads into a direct buffer through the channel (readFully): bounded by SO_TIMEOUT with an alarm like the writes'.
  private final boolean directReads; // the input filter, if any, can be told about bytes read past it
  private final AtomicBoolean readAlarmArmed = new AtomicBoolean();
  private volatile long readStarted; // System.nanoTime() | 1 while a readFully is in progress, else 0
  private volatile long readLimitNanos;
  private volatile Watchdog.Task readAlarm;
  private volatile long readAlarmAt; // System.nanoTime() when the last alarm armed is due
  private volatile boolean readTimedOut;

  public TransportSocket(Socket connected, Duration writeTimeout) throws IOException {
    this(connected, writeTimeout, UnaryOperator.identity());
  }

  /** Like {@link #TransportSocket(Socket, Duration)}, reading the peer's bytes through {@code inputFilter}. */
  public TransportSocket(Socket connected, Duration writeTimeout, UnaryOperator<InputStream> inputFilter)
      throws IOException {
    super((java.net.SocketImpl) null);
    this.delegate = connected;
    this.writeTimeoutMillis = writeTimeout.toMillis();
    this.writeTimeoutNanos = writeTimeout.toNanos();
    this.in = inputFilter.apply(new RawIn(connected.getInputStream()));
    this.directReads = in instanceof RawIn || in instanceof SkipAware;
    this.out = new RawOut(connected.getOutputStream());
  }

  /** Returns true once the peer's TCP stream has ended (FIN received). */
  public boolean rawEndOfStream() {
    return rawEof;
  }

  /** Returns the bytes received so far (TLS records included). */
  public long bytesIn() {
    return bytesIn.get();
  }

  /** Returns the bytes sent so far (TLS records included). */
  public long bytesOut() {
    return bytesOut.get();
  }

  /**
   * Makes {@link #getPort()} report {@code port} instead of the connected one. The JDK keys its client session cache
   * by the peer host and this port, so a data connection reporting its control connection's port is offered that
   * connection's session for resumption.
   */
  public void reportPort(int port) {
    this.reportedPort = port;
  }

  /**
   * While {@code hold} is true, a write that fails because the peer reset or closed the connection is recorded
   * ({@link #heldWriteFailure()}) instead of thrown, and the writes after it are dropped. A TLS client sets this
   * while a server may still refuse its certificate: the server's alert is then already in the receive buffer, and
   * the TLS layer, kept alive, can read and decrypt it. Write timeouts are always thrown. Once {@code hold} is false
   * again, writes after a recorded failure throw it. Default false.
   */
  public void holdWriteFailures(boolean hold) {
    // Called on every TLS read that returns data: a volatile read is cheap there, a volatile write is a fence.
    if (holdWriteFailures != hold) holdWriteFailures = hold;
  }

  /** Returns the write failure recorded while failures were held, or null. */
  public IOException heldWriteFailure() {
    return heldWriteFailure;
  }

  /**
   * Reads the key-exchange group from the server's first flight of the next handshake over this socket, in the
   * bytes it reads ({@code inbound}: a client) or writes (a server), and returns the reader to ask after the
   * handshake. The bytes pass unchanged; the reader is dropped once it is done. Call right before the handshake.
   */
  public KeyExchangeSniffer watchServerFlight(boolean inbound) {
    KeyExchangeSniffer sniffer = new KeyExchangeSniffer();
    if (inbound) inboundFlight = sniffer;
    else outboundFlight = sniffer;
    return sniffer;
  }

  /** Returns the wrapped socket. */
  public Socket delegate() {
    return delegate;
  }

  private final class RawIn extends FilterInputStream {
    RawIn(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = super.read();
      } catch (IOException e) {
        throw plainWords(e);
      }
      if (b < 0) {
        rawEof = true;
      } else {
        bytesIn.incrementAndGet();
        KeyExchangeSniffer f = inboundFlight;
        if (f != null) {
          f.feed(b);
          if (f.done()) inboundFlight = null;
        }
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException e) {
        throw plainWords(e);
      }
      if (n < 0) {
        rawEof = true;
      } else {
        bytesIn.addAndGet(n);
        KeyExchangeSniffer f = inboundFlight;
        if (f != null) {
          f.feed(b, off, n);
          if (f.done()) inboundFlight = null;
        }
      }
      return n;
    }
  }

  private void armAlarm(long delayNanos) {
    // The task holds the socket weakly and close() cancels it (the watchdog drops cancelled tasks), so a closed or
    // abandoned socket is not kept reachable until its write timeout passes. A write in progress holds the socket.
    Watchdog.Task f = Threads.watchdog().schedule(new Alarm(this), delayNanos);
    alarm = f;
    if (closed) f.cancel(); // close() ran meanwhile and may have cancelled the previous alarm only
  }

  private void disarm() {
    closed = true;
    Watchdog.Task f = alarm;
    if (f != null) f.cancel();
    Watchdog.Task r = readAlarm;
    if (r != null) r.cancel();
  }

  private record Alarm(WeakReference<TransportSocket> socket, boolean read) implements Runnable {
    Alarm(TransportSocket s) {
      this(new WeakReference<>(s), false);
    }

    @Override
    public void run() {
      TransportSocket s = socket.get();
      if (s != null && read) s.checkRead();
      else if (s != null) s.checkWrite();
    }
  }

  /** Runs on the watchdog: closes the socket when the write in progress is older than the write timeout. */
  private void checkWrite() {
    if (closed) return;
    long started = writeStarted;
    if (started == 0) {
      alarmArmed.set(false);
      // A write that began after the read above saw the alarm still armed and did not arm it: arm it for that one.
      if (writeStarted != 0 && alarmArmed.compareAndSet(false, true)) armAlarm(writeTimeoutNanos);
      return;
    }
    long age = System.nanoTime() - started;
    if (age < writeTimeoutNanos) {
      armAlarm(writeTimeoutNanos - age);
      return;
    }
    writeTimedOut = true;
    try {
      delegate.close();
    } catch (IOException ignored) {
      // closing is the whole point; nothing else to do
    }
  }

  /**
   * An input filter (the constructor's {@code inputFilter}) that reads straight from this socket's stream, buffers
   * nothing, and can be told about bytes {@link #readFully(ByteBuffer)} read past it: only then does a filtered
   * socket read into direct buffers.
   */
  public interface SkipAware {
    /** {@code n} bytes of the peer's stream were read past the filter, right after the last bytes it read. */
    void skipped(int n);
  }

  /**
   * Reads into {@code dst} from the connected socket's channel until it is full or the peer's stream ends (then
   * {@link #rawEndOfStream()} is true), counted as the input stream's reads and told to the input filter; returns the
   * bytes read, or -1, having read nothing, when the socket has no channel, a handshake flight is being read, or the
   * input filter cannot be told (read through the stream then). Meant for the rest of a record whose first bytes came
   * through the stream (which times out when idle and leaves the socket usable): a read that stalls past SO_TIMEOUT
   * (0: never) closes the socket and throws a SocketTimeoutException.
   */
  public int readFully(ByteBuffer dst) throws IOException {
    SocketChannel ch = delegate.getChannel();
    if (ch == null || !directReads || inboundFlight != null) return -1;
    long timeout = delegate.getSoTimeout();
    if (timeout > 0) {
      long limit = timeout * 1_000_000L;
      long now = System.nanoTime();
      readLimitNanos = limit;
      readStarted = now | 1;
      if (!readAlarmArmed.get() && readAlarmArmed.compareAndSet(false, true)) armReadAlarm(limit);
      else if (readAlarmAt - (now + limit) > 0) armReadAlarm(limit); // SO_TIMEOUT shortened: one more, earlier
    }
    int done = 0;
    try {
      while (dst.hasRemaining()) {
        int n = ch.read(dst);
        if (n < 0) {
          rawEof = true;
          break;
        }
        done += n;
      }
    } catch (IOException thrown) {
      IOException e = plainWords(thrown);
      if (!readTimedOut) throw e;
      SocketTimeoutException t = new SocketTimeoutException("read timed out after " + timeout
          + " ms in the middle of a TLS record (peer stalled); connection closed");
      t.initCause(e);
      throw t;
    } finally {
      readStarted = 0;
      if (done > 0) {
        bytesIn.addAndGet(done);
        if (in instanceof SkipAware f) f.skipped(done);
      }
    }
    return done;
  }

  private void armReadAlarm(long delayNanos) {
    readAlarmAt = System.nanoTime() + delayNanos;
    Watchdog.Task f = Threads.watchdog().schedule(new Alarm(new WeakReference<>(this), true), delayNanos);
    readAlarm = f;
    if (closed) f.cancel();
  }

  /** Runs on the watchdog: closes the socket when the readFully in progress is older than SO_TIMEOUT. */
  private void checkRead() {
    if (closed) return;
    long started = readStarted;
    if (started == 0) {
      readAlarmArmed.set(false);
      if (readStarted != 0 && readAlarmArmed.compareAndSet(false, true)) armReadAlarm(readLimitNanos);
      return;
    }
    long age = System.nanoTime() - started;
    if (age < readLimitNanos) {
      armReadAlarm(readLimitNanos - age);
      return;
    }
    readTimedOut = true;
    try {
      delegate.close();
    } catch (IOException ignored) {
      // closing is the whole point
    }
  }

  /**
   * Writes all of {@code src} straight to the connected socket's channel, counted, bounded by the write timeout and
   * held like the output stream's writes; returns false, having written nothing, when the connected socket has no
   * channel (a plain or a proxy's socket) or a handshake flight is being read: then write through the stream.
   */
  public boolean write(ByteBuffer src) throws IOException {
    SocketChannel ch = delegate.getChannel();
    if (ch == null || outboundFlight != null) return false;
    send(null, null, 0, src.remaining(), src);
    return true;
  }

  /** One write: {@code b} through {@code out}, or, when {@code buffer} is not null, all of it through the channel. */
  private void send(OutputStream out, byte[] b, int off, int len, ByteBuffer buffer) throws IOException {
    IOException held = heldWriteFailure;
    if (held != null) {
      if (holdWriteFailures) {
        if (buffer != null) buffer.position(buffer.limit()); // dropped, as the stream's writes are
        return;
      }
      throw held;
    }
    KeyExchangeSniffer f = outboundFlight;
    if (f != null && buffer == null) {
      f.feed(b, off, len);
      if (f.done()) outboundFlight = null;
    }
    // One alarm per socket, armed lazily and re-armed by itself while writes go on: a watchdog task per write
    // (schedule + cancel) cost a queue insertion and often a thread wake-up per TLS record, which showed as a 0.6x
    // throughput for small messages in tlskit bench.
    writeStarted = System.nanoTime() | 1;
    if (!alarmArmed.get() && alarmArmed.compareAndSet(false, true)) armAlarm(writeTimeoutNanos);
    try {
      if (buffer == null) {
        out.write(b, off, len);
      } else {
        SocketChannel ch = delegate.getChannel();
        while (buffer.hasRemaining()) ch.write(buffer);
      }
      bytesOut.addAndGet(len);
    } catch (IOException thrown) {
      IOException e = plainWords(thrown);
      if (writeTimedOut) {
        SocketTimeoutException t = new SocketTimeoutException(
            "write timed out after " + writeTimeoutMillis + " ms (peer not reading); connection closed");
        t.initCause(e);
        throw t;
      }
      if (holdWriteFailures && !delegate.isClosed()) {
        heldWriteFailure = e;
        if (buffer != null) buffer.position(buffer.limit());
        return;
      }
      throw e;
    } finally {
      writeStarted = 0;
    }
  }

  /**
   * Returns {@code e} as a plain socket throws it: a channel's socket, and its channel, throw an IOException
   * ("Broken pipe") or a ClosedChannelException (closed meanwhile by another thread: AsynchronousCloseException)
   * where a plain socket throws a SocketException, which callers classify as a network failure.
   */
  private static IOException plainWords(IOException e) {
    if (e instanceof SocketException || e instanceof InterruptedIOException) return e;
    SocketException s = new SocketException(e instanceof AsynchronousCloseException ? "Socket closed"
        : e instanceof ClosedChannelException ? "Socket is closed" : e.getMessage());
    s.initCause(e);
    return s;
  }

  private final class RawOut extends OutputStream {
    private final OutputStream out;

    RawOut(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      send(out, b, off, len, null);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      TransportSocket.this.close();
    }
  }

  @Override
  public InputStream getInputStream() {
    return in;
  }

  @Override
  public OutputStream getOutputStream() {
    return out;
  }

  @Override
  public boolean isConnected() {
    return delegate.isConnected();
  }

  @Override
  public boolean isBound() {
    return delegate.isBound();
  }

  @Override
  public boolean isClosed() {
    return delegate.isClosed();
  }

  @Override
  public void close() throws IOException {
    if (keepOpenOnClose) return;
    disarm();
    delegate.close();
  }

  /**
   * While set, {@link #close()}, {@link #shutdownInput()} and {@link #shutdownOutput()} do nothing: a TLS layer over this socket that ends while the connection goes on in
   * plaintext (FTP's CCC, {@code TlsConnection.endTls}) would otherwise close it along with itself.
   */
  public void keepOpenOnClose(boolean keep) {
    keepOpenOnClose = keep;
  }

  @Override
  public void shutdownInput() throws IOException {
    if (keepOpenOnClose) return;
    delegate.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    if (keepOpenOnClose) return;
    delegate.shutdownOutput();
  }

  @Override
  public boolean isInputShutdown() {
    return delegate.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return delegate.isOutputShutdown();
  }

  @Override
  public InetAddress getInetAddress() {
    return delegate.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return delegate.getLocalAddress();
  }

  @Override
  public int getPort() {
    int p = reportedPort;
    return p > 0 ? p : delegate.getPort();
  }

  @Override
  public int getLocalPort() {
    return delegate.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return delegate.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return delegate.getLocalSocketAddress();
  }

  @Override
  public SocketChannel getChannel() {
    return null;
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    delegate.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return delegate.getSoTimeout();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    delegate.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return delegate.getTcpNoDelay();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    delegate.setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return delegate.getKeepAlive();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    delegate.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return delegate.getSoLinger();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    delegate.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return delegate.getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    delegate.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return delegate.getReceiveBufferSize();
  }

  @Override
  public String toString() {
    return "TransportSocket[" + delegate + "]";
  }
}
