package dev.tlskit.nativetls.internal;

import dev.tlskit.internal.net.TransportSocket;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The record layer of a {@link NativeSocket}: reads TLS records from the socket below and hands them to netty's
 * OpenSSL engine through direct buffers lent by {@link Scratch}, and writes what the engine makes. Over TlsKit's
 * {@link TransportSocket} a read takes whatever the socket has, several small records per system call and per engine
 * call, and what it read past the peer's close_notify goes back to that socket (FTP's CCC goes on in plaintext
 * there); over any other socket it reads exactly one record at a time, as the JDK does. Either way it reads from
 * below only when it lacks a whole record, so the end of the TCP stream is seen by the layer below only when it
 * really came (truncation detection).
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

  private final InputStream rawIn;
  private final OutputStream rawOut;
  private final String peer;
  /** The socket below when it can take back bytes read past the TLS stream's end, which allows read-ahead; or null. */
  private final TransportSocket under;
  private final boolean readAhead;
  final ReentrantLock readLock = new ReentrantLock();
  final ReentrantLock writeLock = new ReentrantLock();

  // Heap buffers sized by what the connection really sends and receives: a handshake's records, or an application's
  // messages, need far less than the largest record (fewer bytes allocated per handshake, less heap per idle
  // connection); each grows when a larger record comes.
  private byte[] inBytes = new byte[HEADER + FIRST_RECORD];
  private ByteBuffer netIn = ByteBuffer.wrap(inBytes).limit(0); // position: the next byte for the engine
  private int filled; // bytes of inBytes read from below
  private boolean grow; // a read filled inBytes: the next move to the front goes into the largest size
  private ByteBuffer appIn = ByteBuffer.allocate(0); // read mode: empty
  private byte[] outBytes;
  private ByteBuffer netOut;
  volatile boolean inboundDone;
  volatile boolean outboundDone;

  /**
   * {@code peer} names the peer in messages (host:port). Over TlsKit's {@link TransportSocket}, which takes back what
   * was read past the peer's close_notify, a read takes every byte the socket has (several records per system call
   * and per engine call); over another socket, exactly one record.
   */
  RecordIo(Socket below, String peer) throws IOException {
    this.rawIn = below.getInputStream();
    this.rawOut = below.getOutputStream();
    this.peer = peer;
    this.under = below instanceof TransportSocket t ? t : null;
    this.readAhead = under != null;
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
      for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
        if (wrapNothing(engine).bytesProduced() == 0) break;
      }
    } finally {
      writeLock.unlock();
    }
  }

  // ---- records ----

  /**
   * Makes sure that {@link #netIn} holds at least one whole TLS record from its position, reading from the socket
   * below when it does not: its limit is then the end of the last whole record read (several when the peer sent
   * several back to back and read-ahead is on); false at the end of the stream before a whole record came.
   */
  boolean readRecord() throws IOException {
    int at = netIn.position();
    if (at == filled) at = filled = 0; // all consumed: start over at the front
    at = fill(at, HEADER);
    if (at < 0) return false;
    int length = recordLength(at, true);
    at = fill(at, HEADER + length);
    if (at < 0) return false;
    int end = at + HEADER + length;
    while (filled - end >= HEADER) { // the whole records after it, which the same engine call can take
      int next = recordLength(end, false);
      if (next < 0 || filled - end < HEADER + next) break;
      end += HEADER + next;
    }
    netIn.limit(end).position(at);
    return true;
  }

  /** Returns the length of the record whose header is at {@code at}; -1 (or, with {@code check}, a failure) if bad. */
  private int recordLength(int at, boolean check) throws SSLException {
    int type = inBytes[at] & 0xff;
    int major = inBytes[at + 1] & 0xff;
    int length = ((inBytes[at + 3] & 0xff) << 8) | (inBytes[at + 4] & 0xff);
    if (type >= 20 && type <= 24 && major == 3 && length <= MAX_RECORD) return length;
    if (!check) return -1;
    throw new SSLException("Unsupported or unrecognized SSL message (not a TLS record from " + peer + ": "
        + String.format("%02x %02x %02x %02x %02x", inBytes[at], inBytes[at + 1], inBytes[at + 2], inBytes[at + 3],
        inBytes[at + 4]) + ")");
  }

  /**
   * Reads from the socket below until {@code need} bytes from {@code at} are in {@link #inBytes}, moving them to the
   * front (or into a larger array) first when they would not fit; returns where they start now, -1 at the end of the
   * stream. With read-ahead it reads whatever the socket has, up to the buffer's end; else exactly what is needed.
   */
  private int fill(int at, int need) throws IOException {
    if (filled - at >= need) return at;
    boolean bigger = need > inBytes.length || grow;
    if (bigger || (at > 0 && (readAhead || at + need > inBytes.length))) {
      byte[] to = bigger ? new byte[HEADER + MAX_RECORD] : inBytes;
      grow = false;
      System.arraycopy(inBytes, at, to, 0, filled - at);
      filled -= at;
      at = 0;
      if (to != inBytes) {
        inBytes = to;
        netIn = ByteBuffer.wrap(inBytes);
      }
    }
    while (filled - at < need) {
      int room = readAhead ? inBytes.length - filled : at + need - filled;
      int n = rawIn.read(inBytes, filled, room);
      if (n < 0) return -1;
      filled += n;
      // the socket had more than the buffer holds: a stream of records, for which the largest buffer takes more per
      // read (a connection that only ever sends small messages now and then keeps the small one)
      if (n == room && readAhead && inBytes.length < HEADER + MAX_RECORD) grow = true;
    }
    return at;
  }

  /**
   * Gives back what was read past the record that ended the peer's TLS stream (its close_notify) to the socket below,
   * where a connection that goes on in plaintext (FTP's CCC) reads it.
   */
  private void giveBackPastClose() {
    int past = filled - netIn.position();
    if (past > 0 && under != null) under.unread(inBytes, netIn.position(), past);
    filled = netIn.position();
    netIn.limit(filled);
  }

  /**
   * Unwraps the records in {@link #netIn} into {@link #appIn} (which is then in read mode), through direct buffers
   * lent by {@link Scratch}; a record whose plaintext they cannot hold goes through the heap buffers. With {@code all},
   * goes on through every whole record read as long as the engine returns application data; else stops after one
   * engine call (the handshake, which looks at the engine's status after each).
   */
  SSLEngineResult unwrapRecord(ReferenceCountedOpenSslEngine e, boolean all) throws SSLException {
    Scratch scratch = Scratch.take();
    ByteBuffer src = scratch.src;
    ByteBuffer dst = scratch.dst;
    try {
      src.put(inBytes, netIn.position(), netIn.remaining()).flip();
      SSLEngineResult r;
      do {
        r = e.unwrap(src, dst);
      } while (all && src.hasRemaining() && r.bytesConsumed() > 0 && r.getStatus() == SSLEngineResult.Status.OK
          && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && dst.position() == 0) return unwrapHeap(e);
      netIn.position(netIn.limit() - src.remaining());
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
    } finally {
      Scratch.give(scratch);
    }
  }

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
      rawOut.write(outBytes, 0, netOut.position());
      rawOut.flush();
    }
  }

  // ---- application data ----

  /** Reads application data, after the handshake. */
  int read(ReferenceCountedOpenSslEngine e, byte[] b, int off, int len) throws IOException {
    readLock.lock();
    try {
      while (!appIn.hasRemaining()) {
        if (inboundDone) return -1;
        if (!readRecord()) {
          inboundDone = true; // the TCP stream ended without close_notify: the layer below saw it (truncation)
          return -1;
        }
        SSLEngineResult r;
        try {
          r = unwrapRecord(e, true);
        } catch (SSLException x) {
          flushPendingQuietly(e);
          throw Failures.jdkWords(x, false);
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          inboundDone = true; // close_notify: nothing more is read from below
          giveBackPastClose();
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
          copyOut(dst.flip());
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
