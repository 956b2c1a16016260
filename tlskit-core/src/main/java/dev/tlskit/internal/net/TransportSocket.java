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
  private final long writeTimeoutNanos;
  private final Stall writeStall = new Stall();
  private volatile boolean closed;
  private volatile boolean holdWriteFailures;
  private volatile IOException heldWriteFailure;
  private volatile KeyExchangeSniffer inboundFlight;
  private volatile KeyExchangeSniffer outboundFlight;
  // Reads into a direct buffer through the channel (readFully), bounded by SO_TIMEOUT as the writes are by theirs.
  private final boolean directReads; // the input filter, if any, can be told about bytes read past it
  private final Stall readStall = new Stall();

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

  private void disarm() {
    closed = true;
    writeStall.cancel();
    readStall.cancel();
  }

  /**
   * The bound on one direction's blocking calls (writes; reads of a record's rest through the channel): a stamp while
   * a call runs, and one watchdog task per socket and direction, armed lazily and re-armed by itself while calls go
   * on. A task per call (schedule + cancel) cost a queue insertion and often a thread wake-up per TLS record, which
   * showed as a 0.6x throughput for small messages in tlskit bench. A call older than its limit closes the socket:
   * the blocked call then fails, and {@link #timedOut} says why.
   */
  private final class Stall {
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile long started; // System.nanoTime() | 1 while a call is in progress, else 0
    private volatile long limitNanos;
    private volatile long dueAt; // System.nanoTime() when the task armed last is due
    private volatile Watchdog.Task task;
    private volatile boolean timedOut;

    /** A call bounded by {@code limit} nanoseconds begins. */
    void begin(long limit) {
      long now = System.nanoTime();
      if (limitNanos != limit) limitNanos = limit;
      started = now | 1;
      if (!armed.get() && armed.compareAndSet(false, true)) arm(limit);
      else if (dueAt - (now + limit) > 0) arm(limit); // the limit was shortened: one more task, due earlier
    }

    /** The call ended. */
    void end() {
      started = 0;
    }

    boolean timedOut() {
      return timedOut;
    }

    private void arm(long delayNanos) {
      // The task holds the socket weakly and close() cancels it (the watchdog drops cancelled tasks), so a closed or
      // abandoned socket is not kept reachable until its timeout passes. A call in progress holds the socket.
      dueAt = System.nanoTime() + delayNanos;
      Watchdog.Task f = Threads.watchdog().schedule(new Alarm(new WeakReference<>(this)), delayNanos);
      task = f;
      if (closed) f.cancel(); // close() ran meanwhile and may have cancelled the previous task only
    }

    void cancel() {
      Watchdog.Task f = task;
      if (f != null) f.cancel();
    }

    /** Runs on the watchdog: closes the socket when the call in progress is older than its limit. */
    private void check() {
      if (closed) return;
      long start = started;
      if (start == 0) {
        armed.set(false);
        // A call that began after the read above saw the task still armed and did not arm it: arm it for that one.
        if (started != 0 && armed.compareAndSet(false, true)) arm(limitNanos);
        return;
      }
      long age = System.nanoTime() - start;
      if (age < limitNanos) {
        arm(limitNanos - age);
        return;
      }
      timedOut = true;
      try {
        delegate.close();
      } catch (IOException ignored) {
        // closing is the whole point; nothing else to do
      }
    }
  }

  private record Alarm(WeakReference<Stall> stall) implements Runnable {
    @Override
    public void run() {
      Stall s = stall.get();
      if (s != null) s.check();
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
    if (timeout > 0) readStall.begin(timeout * 1_000_000L);
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
      if (!readStall.timedOut()) throw e;
      SocketTimeoutException t = new SocketTimeoutException("read timed out after " + timeout
          + " ms in the middle of a TLS record (peer stalled); connection closed");
      t.initCause(e);
      throw t;
    } finally {
      readStall.end();
      if (done > 0) {
        bytesIn.addAndGet(done);
        if (in instanceof SkipAware f) f.skipped(done);
      }
    }
    return done;
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
    writeStall.begin(writeTimeoutNanos);
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
      if (writeStall.timedOut()) {
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
      writeStall.end();
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
