package dev.tlskit.nativetls.internal;

import dev.tlskit.internal.net.TransportSocket;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The record layer of a {@link NativeSocket}: reads exactly one TLS record at a time from the socket below, as the JDK
 * does, so that nothing past the peer's close_notify is consumed (FTP's CCC goes on in plaintext there) and the end of
 * the TCP stream is seen by the layer below only when it really came (truncation detection); hands records to netty's
 * OpenSSL engine through direct buffers lent by {@link Scratch}, and writes what the engine makes.
 */
final class RecordIo {
  private static final int HEADER = 5;
  /** The largest record a peer may send (TLS 1.2: 2^14 + 2048 of ciphertext expansion). */
  private static final int MAX_RECORD = (1 << 14) + 2048;
  private static final int MAX_PLAINTEXT = 1 << 14;
  /** Room for one record of at most {@link #MAX_PLAINTEXT} bytes with BoringSSL's overhead. */
  private static final int RECORD_ROOM = MAX_PLAINTEXT + 1024;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Room for the first record read (a ClientHello, with a post-quantum key share); larger ones grow the buffer. */
  private static final int FIRST_RECORD = 2048;
  /** The most plaintext {@link #awaitPeerClose} reads and throws away while it waits for the peer's close_notify. */
  private static final int MAX_DISCARD = 1 << 20;

  private final InputStream rawIn;
  private final OutputStream rawOut;
  /** The socket below when it is TlsKit's, which can take records from a direct buffer; else null. */
  private final TransportSocket transport;
  private final String peer;
  /** True when the socket below has a channel, through which record bodies are read into a lent direct buffer. */
  private final boolean directReads;
  final ReentrantLock readLock = new ReentrantLock();
  final ReentrantLock writeLock = new ReentrantLock();

  // Heap buffers sized by what the connection really sends and receives: a handshake's records, or an application's
  // messages, need far less than the largest record (fewer bytes allocated per handshake, less heap per idle
  // connection); each grows when a larger record comes.
  private byte[] inBytes = new byte[HEADER + FIRST_RECORD];
  private ByteBuffer netIn = ByteBuffer.wrap(inBytes);
  private ByteBuffer appIn = ByteBuffer.allocate(0); // read mode: empty
  private byte[] outBytes;
  private ByteBuffer netOut;
  volatile boolean inboundDone;
  volatile boolean outboundDone;
  /** True once our close_notify was written: the peer then has something to answer. */
  private volatile boolean closeNotifySent;
  /** True once the socket below failed a read or write (reset by the peer): nothing more is written to it. */
  private volatile boolean transportFailed;

  /**
   * {@code peer} names the peer in messages (host:port); {@code transport} is the socket below when it is TlsKit's
   * (whose streams {@code rawIn} and {@code rawOut} are), else null.
   */
  RecordIo(InputStream rawIn, OutputStream rawOut, String peer, TransportSocket transport) {
    this.rawIn = rawIn;
    this.rawOut = rawOut;
    this.peer = peer;
    this.transport = transport;
    this.directReads = transport != null && transport.delegate().getChannel() != null;
  }

  /** Returns the plaintext already decrypted and not yet read. */
  int available() {
    return appIn.remaining();
  }

  /** True when the record last read still has bytes the engine did not take. */
  boolean recordLeft() {
    return netIn.hasRemaining();
  }

  // ---- handshake and control records ----

  /**
   * Wraps no application data (a handshake flight, tickets, an alert, close_notify) and writes what the engine made;
   * the output buffer grows for a flight larger than it (a long certificate chain). Call with the write lock held.
   */
  SSLEngineResult wrapNothing(ReferenceCountedOpenSslEngine e) throws IOException {
    Scratch scratch = Scratch.take();
    SSLEngineResult r;
    try {
      r = e.wrap(EMPTY, scratch.dst);
      if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) copyOut(scratch.dst.flip());
    } finally {
      Scratch.give(scratch);
    }
    if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
      writeNetOut();
      return r;
    }
    while (true) { // a flight larger than the scratch buffer (a very long certificate chain)
      netOut().clear();
      r = e.wrap(EMPTY, netOut);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && netOut.capacity() < 1 << 20) {
        outBytes = new byte[netOut.capacity() * 2];
        netOut = ByteBuffer.wrap(outBytes);
        continue;
      }
      writeNetOut();
      return r;
    }
  }

  /** Copies {@code made} (records the engine made) into {@link #netOut}, cleared and grown to hold them. */
  private void copyOut(ByteBuffer made) {
    if (netOut == null || netOut.capacity() < made.remaining()) {
      outBytes = new byte[Math.max(made.remaining(), netOut == null ? 0 : Math.min(2 * netOut.capacity(), Scratch.SIZE))];
      netOut = ByteBuffer.wrap(outBytes);
    }
    netOut.clear();
    netOut.put(made);
  }

  /** Writes what the engine still has for the peer (tickets, an alert, a KeyUpdate answer). */
  void flushPending(ReferenceCountedOpenSslEngine e) throws IOException {
    writeLock.lock();
    try {
      for (int i = 0; i < 16 && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
        if (wrapNothing(e).bytesProduced() == 0) break;
      }
    } finally {
      writeLock.unlock();
    }
  }

  void flushPendingQuietly(ReferenceCountedOpenSslEngine e) {
    try {
      flushPending(e);
    } catch (IOException | RuntimeException ignored) {
      // the handshake failed; the alert is a courtesy
    }
  }

  /** Sends close_notify once; gives up when a blocked writer holds the output (the socket is closed below anyway). */
  void closeOutbound(ReferenceCountedOpenSslEngine engine) throws IOException {
    boolean locked;
    try {
      locked = writeLock.tryLock(100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      locked = false;
    }
    if (!locked) {
      outboundDone = true;
      return;
    }
    try {
      if (outboundDone) return;
      outboundDone = true;
      engine.closeOutbound();
      if (transportFailed) return; // the peer reset the connection: a close_notify would only fail (EPIPE) again
      for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
        if (wrapNothing(engine).bytesProduced() == 0) break;
      }
      closeNotifySent = true;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Before the TCP socket {@code under} is closed: reads, and throws away, what the peer still sends until its
   * close_notify or the end of the stream, for at most {@code waitMillis} ms in all and {@link #MAX_DISCARD} bytes of
   * plaintext, as the JDK's close does. Linux answers the close of a TCP socket with unread bytes in its receive queue
   * (an honest peer's close_notify, sent before ours or in answer to it) with a reset at once, which drops what our
   * send buffer still holds (the tail of a last write in flight) and meets the peer's close_notify with a reset; once
   * that close_notify is read, the close is a FIN behind all we sent. Waits for nothing when the peer's close_notify
   * or end of stream was read already, ours was not sent, the socket failed, {@code waitMillis} is 0, or another
   * thread holds the read lock (a read blocked there: the JDK skips the wait then too).
   */
  void awaitPeerClose(ReferenceCountedOpenSslEngine e, Socket under, int waitMillis) {
    if (inboundDone || !closeNotifySent || transportFailed || waitMillis <= 0 || !readLock.tryLock()) return;
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
      byte[] one = new byte[1];
      long discarded = 0;
      while (discarded <= MAX_DISCARD) {
        discarded += appIn.remaining();
        appIn.position(appIn.limit());
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) return;
        under.setSoTimeout((int) left);
        if (read(e, one, 0, 1) < 0) return; // close_notify, or the end of the stream
        discarded++;
      }
    } catch (IOException | RuntimeException ignored) {
      // timed out, reset, or not a record: the socket is closed next anyway
    } finally {
      readLock.unlock();
    }
  }

  // ---- records ----

  /**
   * Reads exactly one TLS record from the socket below into {@link #netIn}; false at the end of the stream before a
   * whole record came.
   */
  boolean readRecord() throws IOException {
    int length = readHeader();
    return length >= 0 && readBody(length);
  }

  /** Reads and checks a record's header into {@link #inBytes}; returns the body's length, -1 at the end of stream. */
  private int readHeader() throws IOException {
    if (!readFully(0, HEADER)) return -1;
    int type = inBytes[0] & 0xff;
    int major = inBytes[1] & 0xff;
    int length = ((inBytes[3] & 0xff) << 8) | (inBytes[4] & 0xff);
    if (type < 20 || type > 24 || major != 3 || length > MAX_RECORD) {
      throw new SSLException("Unsupported or unrecognized SSL message (not a TLS record from " + peer
          + ": " + String.format("%02x %02x %02x %02x %02x", inBytes[0], inBytes[1], inBytes[2], inBytes[3],
          inBytes[4]) + ")");
    }
    return length;
  }

  /** Reads the body of the record whose header {@link #readHeader} read into {@link #netIn}; false at the end. */
  private boolean readBody(int length) throws IOException {
    if (HEADER + length > inBytes.length) {
      inBytes = Arrays.copyOf(inBytes, HEADER + MAX_RECORD);
      netIn = ByteBuffer.wrap(inBytes);
    }
    if (!readFully(HEADER, length)) return false;
    netIn.clear().limit(HEADER + length);
    return true;
  }

  private boolean readFully(int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int n;
      try {
        n = rawIn.read(inBytes, off + done, len - done);
      } catch (SocketException e) {
        transportFailed = true; // reset by the peer (a read timeout is no SocketException: the socket still works)
        throw e;
      }
      if (n < 0) return false;
      done += n;
    }
    return true;
  }

  /**
   * Unwraps the record in {@link #netIn} into {@link #appIn} (which is then in read mode), through direct buffers lent
   * by {@link Scratch}; a record whose plaintext they cannot hold goes through the heap buffers.
   */
  SSLEngineResult unwrapRecord(ReferenceCountedOpenSslEngine e) throws SSLException {
    Scratch scratch = Scratch.take();
    try {
      scratch.src.put(inBytes, netIn.position(), netIn.remaining()).flip();
      return unwrapScratch(e, scratch, false);
    } finally {
      Scratch.give(scratch);
    }
  }

  /**
   * Unwraps the record in {@code scratch.src} into {@link #appIn}; {@code fromChannel}: the record was read straight
   * into it (not from {@link #netIn}).
   */
  private SSLEngineResult unwrapScratch(ReferenceCountedOpenSslEngine e, Scratch scratch, boolean fromChannel)
      throws SSLException {
    ByteBuffer src = scratch.src;
    ByteBuffer dst = scratch.dst;
    SSLEngineResult r = e.unwrap(src, dst);
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      if (fromChannel) { // the heap path unwraps from netIn: the record goes there (the engine consumed nothing)
        if (src.remaining() > inBytes.length) inBytes = new byte[HEADER + MAX_RECORD];
        netIn = ByteBuffer.wrap(inBytes, 0, src.remaining());
        src.get(inBytes, 0, src.remaining());
      }
      return unwrapHeap(e);
    }
    if (!fromChannel) netIn.position(netIn.position() + r.bytesConsumed());
    dst.flip();
    appIn.compact();
    if (appIn.remaining() < dst.remaining()) {
      ByteBuffer bigger = ByteBuffer.allocate(appIn.position() + dst.remaining());
      appIn.flip();
      bigger.put(appIn);
      appIn = bigger;
    }
    appIn.put(dst).flip();
    return r;
  }

  /**
   * Reads one record's body, whose header {@link #readHeader} read through the stream, straight from the socket's
   * channel into a lent direct buffer and unwraps it there, without the stream path's two copies (the JDK's
   * temporary direct buffer into {@link #inBytes}, then into the lent buffer); returns null, with nothing read, when
   * the channel is not available now (a handshake flight is watched) or {@link Scratch#MAX_READERS} readers already
   * hold lent buffers in reads that may block; {@link #EOF} when the stream ended inside the body. The read is
   * bounded by SO_TIMEOUT (the socket is closed when a body stalls); the header read leaves an idle socket usable.
   */
  private SSLEngineResult readDirect(ReferenceCountedOpenSslEngine e, int length) throws IOException {
    if (!Scratch.enterReader()) return null;
    Scratch scratch = Scratch.take();
    try {
      ByteBuffer src = scratch.src;
      src.put(inBytes, 0, HEADER).limit(HEADER + length);
      int n;
      try {
        n = transport.readFully(src);
      } catch (IOException x) { // reset, or timed out and closed: the socket is unusable either way
        transportFailed = true;
        throw x;
      }
      if (n < 0) return null;
      if (n < length) return EOF;
      src.flip();
      try {
        return unwrapScratch(e, scratch, true);
      } catch (SSLException x) {
        flushPendingQuietly(e);
        throw Failures.jdkWords(x, false);
      }
    } finally {
      Scratch.give(scratch);
      Scratch.leaveReader();
    }
  }

  /** {@link #readDirect}'s answer when the stream ended inside a record's body. */
  private static final SSLEngineResult EOF =
      new SSLEngineResult(SSLEngineResult.Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 0, 0);

  private SSLEngineResult unwrapHeap(ReferenceCountedOpenSslEngine e) throws SSLException {
    appIn.compact();
    try {
      while (true) {
        SSLEngineResult r = e.unwrap(netIn, appIn);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          ByteBuffer bigger = ByteBuffer.allocate(Math.max(appIn.capacity() * 2, RECORD_ROOM));
          appIn.flip();
          bigger.put(appIn);
          appIn = bigger;
          continue;
        }
        return r;
      }
    } finally {
      appIn.flip();
    }
  }

  /** Returns the output buffer, with room for a record at least (the path for flights larger than the scratch). */
  private ByteBuffer netOut() {
    if (netOut == null || netOut.capacity() < RECORD_ROOM) {
      outBytes = new byte[RECORD_ROOM];
      netOut = ByteBuffer.wrap(outBytes);
    }
    return netOut;
  }

  private void writeNetOut() throws IOException {
    if (netOut.position() > 0) {
      try {
        rawOut.write(outBytes, 0, netOut.position());
        rawOut.flush();
      } catch (SocketException e) {
        transportFailed = true;
        throw e;
      }
    }
  }

  /**
   * Writes the records in {@code made} (a lent direct buffer) straight to the socket's channel, without the two
   * copies of the stream path (into {@link #netOut}, then into the JDK's temporary direct buffer); false, with
   * nothing written, when the socket below has no channel, or when {@link Scratch#MAX_WRITERS} writers already hold
   * lent buffers in writes that may block (a peer that stops reading): the rest copy and write through the stream,
   * holding none, so the direct memory held by blocked writers stays bounded.
   */
  private boolean writeDirect(ByteBuffer made) throws IOException {
    if (transport == null || !Scratch.enterWriter()) return false;
    try {
      return transport.write(made);
    } catch (SocketException e) {
      transportFailed = true;
      throw e;
    } finally {
      Scratch.leaveWriter();
    }
  }

  // ---- application data ----

  /** Reads application data, after the handshake. */
  int read(ReferenceCountedOpenSslEngine e, byte[] b, int off, int len) throws IOException {
    readLock.lock();
    try {
      while (!appIn.hasRemaining()) {
        if (inboundDone) return -1;
        int length = readHeader();
        SSLEngineResult r = length >= 0 && directReads ? readDirect(e, length) : null;
        if (length < 0 || r == EOF || r == null && !readBody(length)) {
          inboundDone = true; // the TCP stream ended without close_notify: the layer below saw it (truncation)
          return -1;
        }
        if (r == null) {
          try {
            r = unwrapRecord(e);
          } catch (SSLException x) {
            flushPendingQuietly(e);
            throw Failures.jdkWords(x, false);
          }
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          inboundDone = true; // close_notify: nothing more is read from below
          if (!appIn.hasRemaining()) return -1;
        }
        if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !outboundDone) flushPending(e);
      }
      int n = Math.min(len, appIn.remaining());
      appIn.get(b, off, n);
      return n;
    } finally {
      readLock.unlock();
    }
  }

  /** Writes application data, after the handshake; {@code closed} tells that the socket was closed. */
  void write(ReferenceCountedOpenSslEngine e, byte[] b, int off, int len, boolean closed) throws IOException {
    writeLock.lock();
    try {
      if (closed || outboundDone) throw new SocketException("Socket output is closed");
      int done = 0;
      while (done < len) {
        int chunk = Math.min(len - done, 4 * MAX_PLAINTEXT);
        Scratch scratch = Scratch.take();
        ByteBuffer src = scratch.src;
        ByteBuffer dst = scratch.dst;
        try {
          src.put(b, off + done, chunk).flip();
          while (src.hasRemaining() && dst.remaining() >= RECORD_ROOM) {
            SSLEngineResult r = e.wrap(src, dst);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new SocketException("TLS output is closed");
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW || r.bytesConsumed() == 0) break;
          }
          if (dst.position() == 0) throw new SSLException("the TLS engine produced no record for " + len + " bytes");
          done += chunk - src.remaining();
          dst.flip();
          if (writeDirect(dst)) continue;
          copyOut(dst);
        } finally {
          Scratch.give(scratch);
        }
        writeNetOut(); // after the scratch buffers went back: a blocked write holds none
      }
    } finally {
      writeLock.unlock();
    }
  }
}
