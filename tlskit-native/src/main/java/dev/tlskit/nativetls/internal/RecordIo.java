package dev.tlskit.nativetls.internal;

import dev.tlskit.internal.net.TransportSocket;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The record layer of a {@link NativeSocket}: reads TLS records from the socket below, and hands them to netty's OpenSSL
 * engine through direct buffers lent by {@link Scratch}, and writes what the engine makes. Handshake records, and
 * every record over a caller's socket, are read exactly one at a time (header, then body), as the JDK does. Application
 * data over TlsKit's {@link TransportSocket} is read ahead, a record per read call ({@link #readAhead}); what was read
 * past the peer's close_notify is given back to the socket below (FTP's CCC and {@code endTls} go on in plaintext there,
 * and a later TLS switch refuses it as plaintext already received). Either way the end of the TCP stream is seen by
 * the layer below only when it really came (truncation detection), and a read blocks only until some of the record
 * under way came.
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
  /** The socket below when it is TlsKit's, which can take records from a direct buffer; else null. */
  private final TransportSocket transport;
  private final String peer;
  /**
   * True when the socket below is TlsKit's: application reads then read ahead ({@link #readAhead}), giving back to it
   * what they read past the end of TLS.
   */
  private final boolean readAhead;
  /** True when the socket below has a channel, through which the rest of a large record is read into a lent buffer. */
  private final boolean directReads;
  /** The largest buffer of records read and not yet unwrapped: one maximal record and its header. */
  static final int AHEAD = HEADER + MAX_RECORD;
  /** Read the rest of a record through the channel ({@link #readDirect}) when at least this much of it is missing. */
  private static final int DIRECT_REST = 4096;
  /** The length of the last application-data record read, header included: the size the next read asks for. */
  private int lastRecord = HEADER;
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
    this.readAhead = transport != null;
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
    } finally {
      writeLock.unlock();
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
    return checkHeader(0);
  }

  /** Checks the record header at {@code at} in {@link #inBytes}; returns the body's length. */
  private int checkHeader(int at) throws SSLException {
    int length = bodyLength(at);
    if (length < 0) {
      throw new SSLException("Unsupported or unrecognized SSL message (not a TLS record from " + peer
          + ": " + String.format("%02x %02x %02x %02x %02x", inBytes[at], inBytes[at + 1], inBytes[at + 2],
          inBytes[at + 3], inBytes[at + 4]) + ")");
    }
    return length;
  }

  /** Returns the body's length from the record header at {@code at} in {@link #inBytes}, -1 when it is none. */
  private int bodyLength(int at) {
    int type = inBytes[at] & 0xff;
    int major = inBytes[at + 1] & 0xff;
    int length = ((inBytes[at + 3] & 0xff) << 8) | (inBytes[at + 4] & 0xff);
    return type < 20 || type > 24 || major != 3 || length > MAX_RECORD ? -1 : length;
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
    appendPlaintext(dst);
    return r;
  }

  /** Appends what the engine decrypted into {@code dst} (write mode) to {@link #appIn}, grown if need be. */
  private void appendPlaintext(ByteBuffer dst) {
    dst.flip();
    appIn.compact();
    if (appIn.remaining() < dst.remaining()) {
      ByteBuffer bigger = ByteBuffer.allocate(appIn.position() + dst.remaining());
      appIn.flip();
      bigger.put(appIn);
      appIn = bigger;
    }
    appIn.put(dst).flip();
  }

  /**
   * Reads the rest of the record whose first {@code have} bytes (its header at least) are in {@link #inBytes} from
   * {@code at}, {@code length} bytes in all, straight from the socket's channel into a lent direct buffer, and unwraps
   * it there, without the stream path's two copies (the JDK's temporary direct buffer into {@link #inBytes}, then into
   * the lent buffer); reads nothing past the record. Returns null, with nothing read, when the channel is not
   * available now (a handshake flight is watched, bytes were given back) or {@link Scratch#MAX_READERS} readers already
   * hold lent buffers in reads that may block; {@link #EOF} when the stream ended inside the record. The read is
   * bounded by SO_TIMEOUT (the socket is closed when the record stalls).
   */
  private SSLEngineResult readDirect(ReferenceCountedOpenSslEngine e, int at, int have, int length)
      throws IOException {
    if (!Scratch.enterReader()) return null;
    Scratch scratch = Scratch.take();
    try {
      ByteBuffer src = scratch.src;
      src.put(inBytes, at, have).limit(length);
      int n;
      try {
        n = transport.readFully(src);
      } catch (IOException x) { // reset, or timed out and closed: the socket is unusable either way
        transportFailed = true;
        throw x;
      }
      if (n < 0) return null;
      netIn.position(netIn.limit()); // the record's first bytes went with it
      if (n < length - have) return EOF;
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
        SSLEngineResult r = readAhead ? readAhead(e) : readOne(e);
        if (r == null) {
          inboundDone = true; // the TCP stream ended without close_notify: the layer below saw it (truncation)
          return -1;
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          inboundDone = true; // close_notify: nothing more is read from below
          if (netIn.hasRemaining()) { // read ahead past it: the socket below gets it back (FTP's CCC, endTls)
            transport.giveBack(inBytes, netIn.position(), netIn.remaining());
            netIn.position(netIn.limit());
          }
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

  /** Reads and unwraps exactly one record (a caller's socket below, which cannot take bytes back); null at the end. */
  private SSLEngineResult readOne(ReferenceCountedOpenSslEngine e) throws IOException {
    if (!readRecord()) return null;
    try {
      return unwrapRecord(e);
    } catch (SSLException x) {
      flushPendingQuietly(e);
      throw Failures.jdkWords(x, false);
    }
  }

  /**
   * Unwraps the whole records already read into {@link #netIn} (read mode over {@link #inBytes}: the bytes read and
   * not yet unwrapped), reading first when not even one is there. One read asks for what the record under way still
   * needs, or, before its header came, for as much as the last record had (the next is most often as long): a reader
   * that keeps up makes one read per record instead of two (header, then body), blocks only until some bytes came,
   * and reads past the record only when the next is shorter than the last (a close_notify: {@link #read} gives those
   * bytes back). Asking for everything the socket has was measured and dropped: a reader that drains the socket then
   * waits, and is woken, for every record. The rest of a large record comes through the channel when the socket has
   * one ({@link #readDirect}). Returns null when the stream ended first.
   */
  private SSLEngineResult readAhead(ReferenceCountedOpenSslEngine e) throws IOException {
    while (true) {
      int at = netIn.position();
      int have = netIn.remaining();
      int need = HEADER;
      if (have >= HEADER) {
        need = HEADER + checkHeader(at);
        if (have >= need) {
          lastRecord = need;
          return unwrapAhead(e);
        }
        if (directReads && need - have >= DIRECT_REST) {
          SSLEngineResult r = readDirect(e, at, have, need);
          if (r == EOF) return null;
          if (r != null) {
            lastRecord = need;
            return r;
          }
        }
      }
      if (at + Math.max(need, lastRecord) > inBytes.length) { // move what is left to the front, grown if need be
        byte[] to = need > inBytes.length || lastRecord > inBytes.length ? new byte[AHEAD] : inBytes;
        System.arraycopy(inBytes, at, to, 0, have);
        inBytes = to;
        netIn = ByteBuffer.wrap(inBytes, 0, have);
      }
      int end = netIn.limit();
      int n;
      try {
        n = rawIn.read(inBytes, end, Math.max(need, lastRecord) - have);
      } catch (SocketException x) {
        transportFailed = true;
        throw x;
      } catch (SocketTimeoutException x) {
        if (have == 0) throw x; // idle: the socket stays usable
        transportFailed = true; // a record stalled half way can never be finished
        throw transport.stalledInRecord(x);
      }
      if (n < 0) return null;
      netIn.limit(end + n);
    }
  }

  /** Unwraps the whole records at the front of {@link #netIn} into {@link #appIn}, through one lent pair. */
  private SSLEngineResult unwrapAhead(ReferenceCountedOpenSslEngine e) throws SSLException {
    Scratch scratch = Scratch.take();
    SSLEngineResult r = null;
    try {
      ByteBuffer src = scratch.src;
      ByteBuffer dst = scratch.dst;
      int at = netIn.position();
      int end = netIn.limit();
      int whole = at;
      while (end - whole >= HEADER && whole - at < src.capacity() - AHEAD) {
        // bytes past a close_notify need not be records (FTP's CCC): they are checked only when read as one
        int length = bodyLength(whole);
        if (length < 0 || whole + HEADER + length > end) break;
        whole += HEADER + length;
      }
      src.put(inBytes, at, whole - at).flip();
      try {
        while (src.hasRemaining() && dst.remaining() >= RECORD_ROOM) {
          SSLEngineResult one = e.unwrap(src, dst);
          if (one.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            if (r != null) break;
            return unwrapHeap(e); // one record larger than the lent buffer: netIn still starts with it
          }
          r = one;
          if (one.getStatus() != SSLEngineResult.Status.OK || one.bytesConsumed() == 0
              || one.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            break;
          }
        }
      } catch (SSLException x) {
        flushPendingQuietly(e);
        throw Failures.jdkWords(x, false);
      }
      netIn.position(at + src.position());
      appendPlaintext(dst);
      return r;
    } finally {
      Scratch.give(scratch);
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
