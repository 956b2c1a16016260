package dev.tlskit.nativetls.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A TLS socket layered over another socket (TlsKit's {@code TransportSocket}), whose records BoringSSL makes and
 * reads through netty's OpenSSL {@code SSLEngine}. It reads exactly one record at a time from the socket below, as
 * the JDK does, so that nothing past the peer's close_notify is consumed (FTP's CCC goes on in plaintext there) and
 * the end of the TCP stream is seen by the layer below only when it really came (truncation detection). The socket's
 * SO_TIMEOUT bounds every read, so also the handshake.
 */
final class NativeSocket extends LayeredSslSocket {
  private static final System.Logger LOG = System.getLogger("dev.tlskit.nativetls");
  private static final AtomicBoolean NARROWED_TLS13_LOGGED = new AtomicBoolean();
  private static final int HEADER = 5;
  /** The largest record a peer may send (TLS 1.2: 2^14 + 2048 of ciphertext expansion). */
  private static final int MAX_RECORD = (1 << 14) + 2048;
  private static final int MAX_PLAINTEXT = 1 << 14;
  /** Room for one record of at most {@link #MAX_PLAINTEXT} bytes with BoringSSL's overhead. */
  private static final int RECORD_ROOM = MAX_PLAINTEXT + 1024;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Room for the first record read (a ClientHello, with a post-quantum key share); larger ones grow the buffer. */
  private static final int FIRST_RECORD = 2048;

  private final NativeContextSpi context;
  private final String peerHost;
  private final int peerPort;
  private final boolean autoClose;
  private final InputStream rawIn;
  private final OutputStream rawOut;
  private final ReentrantLock handshakeLock = new ReentrantLock();
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final List<HandshakeCompletedListener> listeners = new ArrayList<>();

  private boolean clientMode = true;
  private SSLParameters params;
  private ReferenceCountedOpenSslEngine engine;
  private volatile boolean handshakeDone;
  private IOException handshakeFailure;
  private volatile String applicationProtocol;
  private volatile boolean sniRefused;
  /** BoringSSL's names of the hybrid groups this socket requires, or null (see {@link #requireHybrid}). */
  private List<String> requiredHybrid;

  // Heap buffers sized by what the connection really sends and receives: a handshake's records, or an application's
  // messages, need far less than the largest record (fewer bytes allocated per handshake, less heap per idle
  // connection); each grows when a larger record comes.
  private byte[] inBytes = new byte[HEADER + FIRST_RECORD];
  private ByteBuffer netIn = ByteBuffer.wrap(inBytes);
  private ByteBuffer appIn = ByteBuffer.allocate(0); // read mode: empty
  private byte[] outBytes;
  private ByteBuffer netOut;
  private boolean inboundDone;
  private volatile boolean outboundDone;
  private volatile boolean closed;
  private final InputStream in = new In();
  private final OutputStream out = new Out();

  NativeSocket(NativeContextSpi context, Socket under, String peerHost, int peerPort, boolean autoClose)
      throws IOException {
    super(under);
    this.context = context;
    this.peerHost = peerHost;
    this.peerPort = peerPort;
    this.autoClose = autoClose;
    this.rawIn = under.getInputStream();
    this.rawOut = under.getOutputStream();
    this.params = context.engineGetDefaultSSLParameters();
  }

  // ---- handshake ----

  @Override
  public void startHandshake() throws IOException {
    if (handshakeDone) return;
    handshakeLock.lock();
    try {
      if (handshakeDone) return;
      if (handshakeFailure != null) throw handshakeFailure;
      if (closed) throw new SocketException("Socket is closed");
      try {
        handshake();
      } catch (IOException e) {
        handshakeFailure = e;
        throw e;
      }
      handshakeDone = true;
    } finally {
      handshakeLock.unlock();
    }
    notifyListeners();
  }

  private void ensureEngine() throws SSLException {
    if (engine != null) return;
    ReferenceCountedOpenSslContext ctx;
    List<String> alpn = params.getApplicationProtocols() == null ? List.of()
        : List.of(params.getApplicationProtocols());
    ctx = clientMode ? context.client(alpn) : context.server(alpn);
    ReferenceCountedOpenSslEngine e = (ReferenceCountedOpenSslEngine) ctx.newEngine(ByteBufAllocator.DEFAULT,
        peerHost, peerPort);
    engine = e;
    applyParameters(e, params);
  }

  private void applyParameters(ReferenceCountedOpenSslEngine e, SSLParameters p) {
    SSLParameters q = e.getSSLParameters();
    if (p.getProtocols() != null) q.setProtocols(supported(p.getProtocols(), e.getSupportedProtocols()));
    if (p.getCipherSuites() != null) q.setCipherSuites(suites(p.getCipherSuites(), e.getSupportedCipherSuites()));
    q.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
    q.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
    if (clientMode) {
      if (p.getServerNames() != null) q.setServerNames(p.getServerNames());
    } else {
      if (p.getNeedClientAuth()) q.setNeedClientAuth(true);
      else if (p.getWantClientAuth()) q.setWantClientAuth(true);
      else q.setNeedClientAuth(false);
      if (p.getSNIMatchers() != null) q.setSNIMatchers(watched(p.getSNIMatchers()));
    }
    e.setSSLParameters(q);
    if (!clientMode && !context.serverTickets()) SSL.setOptions(e.sslPointer(), SSL.SSL_OP_NO_TICKET);
    String[] groups = namedGroups(p);
    if (groups.length > 0) SSL.setCurvesList(e.sslPointer(), groups);
  }

  /** Returns the matchers, noting in {@link #sniRefused} when one refuses the client's name. */
  private List<SNIMatcher> watched(Collection<SNIMatcher> matchers) {
    List<SNIMatcher> out = new ArrayList<>();
    for (SNIMatcher m : matchers) {
      out.add(new SNIMatcher(m.getType()) {
        @Override
        public boolean matches(SNIServerName name) {
          boolean ok = m.matches(name);
          if (!ok) sniRefused = true;
          return ok;
        }
      });
    }
    return out;
  }

  /**
   * Returns the wanted suites this engine supports. BoringSSL always offers all of its TLS 1.3 suites, so a policy with
   * any TLS 1.3 suite gets all of them, in BoringSSL's order: asked for fewer, netty logs an INFO line per engine that
   * says it uses them all anyway (one line per connection in a library, 14,000 in a benchmark run).
   */
  private static String[] suites(String[] wanted, String[] supported) {
    List<String> tls13 = Arrays.stream(supported).filter(NativeSocket::isTls13).toList();
    List<String> out = new ArrayList<>();
    for (String w : wanted) {
      if (isTls13(w)) {
        if (tls13.contains(w) && !out.contains(tls13.get(0))) out.addAll(tls13);
      } else if (Arrays.asList(supported).contains(w)) {
        out.add(w);
      }
    }
    long asked = Arrays.stream(wanted).filter(NativeSocket::isTls13).count();
    if (asked > 0 && asked < tls13.size() && NARROWED_TLS13_LOGGED.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.INFO, "the native engine (BoringSSL) always offers its TLS 1.3 suites {0}; the"
          + " narrower TLS 1.3 list of a policy ({1}) applies on the JDK engine only (logged once)", tls13,
          Arrays.stream(wanted).filter(NativeSocket::isTls13).toList());
    }
    return out.toArray(String[]::new);
  }

  private static boolean isTls13(String suite) {
    return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
  }

  private static String[] supported(String[] wanted, String[] supported) {
    Set<String> s = Set.of(supported);
    return Arrays.stream(wanted).filter(s::contains).toArray(String[]::new);
  }

  private static String[] jdkNames(String[] boringSsl) {
    return Arrays.stream(boringSsl).map(NativeGroups::tlskit).toArray(String[]::new);
  }

  /** Returns the policy's named groups in BoringSSL's names; those BoringSSL lacks (x448, ffdhe*) are left out. */
  private static String[] namedGroups(SSLParameters p) {
    String[] jdk;
    try {
      jdk = p.getNamedGroups();
    } catch (UnsupportedOperationException e) {
      return new String[0];
    }
    if (jdk == null) return new String[0];
    return NativeGroups.offered(List.of(jdk)).toArray(String[]::new);
  }

  /**
   * Makes this socket refuse, after its handshake, a key exchange that was not a post-quantum hybrid group (the
   * policy's groups that BoringSSL offers are hybrids only, so BoringSSL refuses a peer without one already; this
   * checks BoringSSL's answer, and words a failed handshake as the refusal it is).
   */
  void requireHybrid(List<String> groups) {
    requiredHybrid = NativeGroups.offered(groups);
  }

  /**
   * Throws when a hybrid key exchange was required and the handshake that completed used another group.
   *
   * @throws SSLHandshakeException naming the group BoringSSL negotiated
   */
  void checkHybrid() throws SSLHandshakeException {
    if (requiredHybrid == null || engine == null) return;
    String group;
    try {
      group = SSL.getGroupName(engine.sslPointer());
    } catch (Exception e) {
      group = null;
    }
    if (!NativeGroups.isHybrid(NativeGroups.tlskit(group))) {
      throw new SSLHandshakeException("insufficient_security: post-quantum key exchange required, but "
          + describePeer() + " negotiated " + (group == null ? "no key exchange group" : NativeGroups.tlskit(group))
          + "; the native engine offered " + requiredHybrid + " only");
    }
  }

  private void handshake() throws IOException {
    ensureEngine();
    ReferenceCountedOpenSslEngine e = engine;
    context.handshaking.put(e, this);
    try {
      e.beginHandshake();
      HandshakeStatus hs = e.getHandshakeStatus();
      while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
        switch (hs) {
          case NEED_WRAP -> hs = wrapHandshake(e);
          case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
            if (!readRecord()) {
              throw new SSLHandshakeException("Remote host terminated the handshake (" + describePeer() + ")");
            }
            SSLEngineResult r = unwrapRecord(e);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
              flushPending(e);
              throw new SSLHandshakeException("Remote host closed the connection during the handshake ("
                  + describePeer() + ")");
            }
            hs = r.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_UNWRAP && !netIn.hasRemaining()) {
              // netty tells that a record completed the handshake (a TLS 1.2 client reading the server's Finished)
              // only on the next unwrap: poll it with no input
              hs = unwrapRecord(e).getHandshakeStatus();
            }
            if (hs == HandshakeStatus.NOT_HANDSHAKING) hs = e.getHandshakeStatus();
          }
          case NEED_TASK -> {
            for (Runnable t = e.getDelegatedTask(); t != null; t = e.getDelegatedTask()) t.run();
            hs = e.getHandshakeStatus();
          }
          default -> throw new SSLException("unexpected handshake status " + hs);
        }
      }
      flushPending(e); // TLS 1.3 server: the session tickets after its Finished
      applicationProtocol = e.getApplicationProtocol();
    } catch (SSLException x) {
      flushPendingQuietly(e); // the alert BoringSSL queued for the peer
      SSLException words = Failures.jdkWords(x, true, sniRefused);
      String m = String.valueOf(words.getMessage());
      if (requiredHybrid == null || !(m.contains("handshake_failure") || m.contains("NO_SHARED_GROUP"))) throw words;
      SSLException pq = new SSLHandshakeException("insufficient_security: post-quantum key exchange required: the"
          + " native engine offered " + requiredHybrid + " only (PostQuantum.require), and " + describePeer()
          + " supports none of them (" + m + ")");
      pq.initCause(words);
      throw pq;
    } finally {
      context.handshaking.remove(e);
    }
  }

  private HandshakeStatus wrapHandshake(ReferenceCountedOpenSslEngine e) throws IOException {
    writeLock.lock();
    try {
      SSLEngineResult r = wrapNothing(e);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
        throw new SSLHandshakeException("TLS engine closed during the handshake (" + describePeer() + ")");
      }
      HandshakeStatus hs = r.getHandshakeStatus();
      return hs == HandshakeStatus.NOT_HANDSHAKING ? e.getHandshakeStatus() : hs;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Wraps no application data (a handshake flight, tickets, an alert, close_notify) and writes what the engine made;
   * the output buffer grows for a flight larger than it (a long certificate chain). Call with the write lock held.
   */
  private SSLEngineResult wrapNothing(ReferenceCountedOpenSslEngine e) throws IOException {
    ByteBuffer dst = Scratch.take();
    SSLEngineResult r;
    try {
      r = e.wrap(EMPTY, dst);
      if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) copyOut(dst.flip());
    } finally {
      Scratch.give(dst);
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
  private void flushPending(ReferenceCountedOpenSslEngine e) throws IOException {
    writeLock.lock();
    try {
      for (int i = 0; i < 16 && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
        if (wrapNothing(e).bytesProduced() == 0) break;
      }
    } finally {
      writeLock.unlock();
    }
  }

  private void flushPendingQuietly(ReferenceCountedOpenSslEngine e) {
    try {
      flushPending(e);
    } catch (IOException | RuntimeException ignored) {
      // the handshake failed; the alert is a courtesy
    }
  }

  private String describePeer() {
    return peerHost + ":" + peerPort;
  }

  private void notifyListeners() {
    List<HandshakeCompletedListener> copy;
    synchronized (listeners) {
      if (listeners.isEmpty()) return;
      copy = List.copyOf(listeners);
    }
    HandshakeCompletedEvent ev = new HandshakeCompletedEvent(this, getSession());
    for (HandshakeCompletedListener l : copy) l.handshakeCompleted(ev);
  }

  // ---- records ----

  /**
   * Reads exactly one TLS record from the socket below into {@link #netIn}; false at the end of the stream before a
   * whole record came.
   */
  private boolean readRecord() throws IOException {
    if (!readFully(0, HEADER)) return false;
    int type = inBytes[0] & 0xff;
    int major = inBytes[1] & 0xff;
    int length = ((inBytes[3] & 0xff) << 8) | (inBytes[4] & 0xff);
    if (type < 20 || type > 24 || major != 3 || length > MAX_RECORD) {
      throw new SSLException("Unsupported or unrecognized SSL message (not a TLS record from " + describePeer()
          + ": " + String.format("%02x %02x %02x %02x %02x", inBytes[0], inBytes[1], inBytes[2], inBytes[3],
          inBytes[4]) + ")");
    }
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
      int n = rawIn.read(inBytes, off + done, len - done);
      if (n < 0) return false;
      done += n;
    }
    return true;
  }

  /**
   * Unwraps the record in {@link #netIn} into {@link #appIn} (which is then in read mode), through direct buffers lent
   * by {@link Scratch}; a record whose plaintext they cannot hold goes through the heap buffers.
   */
  private SSLEngineResult unwrapRecord(ReferenceCountedOpenSslEngine e) throws SSLException {
    ByteBuffer src = Scratch.take();
    ByteBuffer dst = Scratch.take();
    try {
      src.put(inBytes, netIn.position(), netIn.remaining()).flip();
      SSLEngineResult r = e.unwrap(src, dst);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) return unwrapHeap(e);
      netIn.position(netIn.position() + r.bytesConsumed());
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
      Scratch.give(src);
      Scratch.give(dst);
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

  private int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    startHandshake();
    readLock.lock();
    try {
      while (!appIn.hasRemaining()) {
        if (inboundDone) return -1;
        if (!readRecord()) {
          inboundDone = true; // the TCP stream ended without close_notify: the layer below saw it (truncation)
          return -1;
        }
        ReferenceCountedOpenSslEngine e = engine;
        SSLEngineResult r;
        try {
          r = unwrapRecord(e);
        } catch (SSLException x) {
          flushPendingQuietly(e);
          throw Failures.jdkWords(x, false);
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

  private void write(byte[] b, int off, int len) throws IOException {
    startHandshake();
    writeLock.lock();
    try {
      if (closed || outboundDone) throw new SocketException("Socket output is closed");
      ReferenceCountedOpenSslEngine e = engine;
      int done = 0;
      while (done < len) {
        int chunk = Math.min(len - done, 4 * MAX_PLAINTEXT);
        ByteBuffer src = Scratch.take();
        ByteBuffer dst = Scratch.take();
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
          Scratch.give(src);
          Scratch.give(dst);
        }
        writeNetOut(); // after the scratch buffers went back: a blocked write holds none
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Sends close_notify once; false when a blocked writer holds the output (the socket is closed below anyway). */
  private void closeOutbound() throws IOException {
    if (outboundDone || engine == null || !handshakeDone) {
      outboundDone = true;
      return;
    }
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

  // ---- SSLSocket ----

  @Override
  public InputStream getInputStream() throws IOException {
    if (closed) throw new SocketException("Socket is closed");
    return in;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    if (closed) throw new SocketException("Socket is closed");
    return out;
  }

  @Override
  public SSLSession getSession() {
    try {
      startHandshake();
    } catch (IOException e) {
      // as the JDK: a failed handshake leaves a session without peer or suite
    }
    try {
      handshakeLock.lock();
      try {
        ensureEngine();
      } finally {
        handshakeLock.unlock();
      }
    } catch (SSLException e) {
      throw new IllegalStateException("cannot make the native TLS engine: " + e.getMessage(), e);
    }
    return engine.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    ReferenceCountedOpenSslEngine e = engine;
    return e == null ? null : e.getHandshakeSession();
  }

  @Override
  public String getApplicationProtocol() {
    return handshakeDone ? (applicationProtocol == null ? "" : applicationProtocol) : null;
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    ReferenceCountedOpenSslEngine e = engine;
    return e == null || handshakeDone ? null : e.getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
    // BoringSSL selects from the server's own preference list (setSSLParameters' application protocols); a
    // selector cannot run inside its callback. The server's list is what TlsServer's selector applies.
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return NativeContextSpi.supportedSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return params.getCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    params.setCipherSuites(suites);
    reapply();
  }

  @Override
  public String[] getSupportedProtocols() {
    return NativeContextSpi.ALL_PROTOCOLS.toArray(String[]::new);
  }

  @Override
  public String[] getEnabledProtocols() {
    return params.getProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    params.setProtocols(protocols);
    reapply();
  }

  @Override
  public SSLParameters getSSLParameters() {
    SSLParameters p = new SSLParameters(params.getCipherSuites(), params.getProtocols());
    p.setServerNames(params.getServerNames());
    p.setSNIMatchers(params.getSNIMatchers());
    p.setEndpointIdentificationAlgorithm(params.getEndpointIdentificationAlgorithm());
    p.setUseCipherSuitesOrder(params.getUseCipherSuitesOrder());
    p.setApplicationProtocols(params.getApplicationProtocols());
    if (params.getNeedClientAuth()) p.setNeedClientAuth(true);
    else if (params.getWantClientAuth()) p.setWantClientAuth(true);
    // Only the groups BoringSSL has, in the JDK's names: netty's engines refuse parameters naming any other (FTPS data
    // engines take these parameters from the control socket).
    String[] groups = jdkNames(namedGroups(params));
    if (groups.length > 0) p.setNamedGroups(groups);
    return p;
  }

  @Override
  public void setSSLParameters(SSLParameters p) {
    SSLParameters mine = context.engineGetDefaultSSLParameters();
    if (p.getCipherSuites() != null) mine.setCipherSuites(p.getCipherSuites());
    if (p.getProtocols() != null) mine.setProtocols(p.getProtocols());
    mine.setServerNames(p.getServerNames());
    mine.setSNIMatchers(p.getSNIMatchers());
    mine.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
    mine.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
    mine.setApplicationProtocols(p.getApplicationProtocols());
    if (p.getNeedClientAuth()) mine.setNeedClientAuth(true);
    else if (p.getWantClientAuth()) mine.setWantClientAuth(true);
    try {
      if (p.getNamedGroups() != null) mine.setNamedGroups(p.getNamedGroups());
    } catch (UnsupportedOperationException ignored) {
      // before JDK 20
    }
    params = mine;
    reapply();
  }

  private void reapply() {
    ReferenceCountedOpenSslEngine e = engine;
    if (e != null && !handshakeDone) applyParameters(e, params);
  }

  @Override
  public void setUseClientMode(boolean mode) {
    if (engine != null && mode != clientMode) {
      throw new IllegalArgumentException("the mode cannot change once the handshake has begun");
    }
    clientMode = mode;
  }

  @Override
  public boolean getUseClientMode() {
    return clientMode;
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    params.setNeedClientAuth(need);
    reapply();
  }

  @Override
  public boolean getNeedClientAuth() {
    return params.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    params.setWantClientAuth(want);
    reapply();
  }

  @Override
  public boolean getWantClientAuth() {
    return params.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    if (!flag) throw new UnsupportedOperationException("the native TLS provider always allows new sessions");
  }

  @Override
  public boolean getEnableSessionCreation() {
    return true;
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    synchronized (listeners) {
      listeners.add(listener);
    }
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    synchronized (listeners) {
      listeners.remove(listener);
    }
  }

  // ---- Socket: the layer below ----

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    try {
      closeOutbound();
    } catch (IOException | RuntimeException ignored) {
      // the peer is gone: closing goes on
    } finally {
      try {
        if (autoClose) under.close();
      } finally {
        ReferenceCountedOpenSslEngine e = engine;
        if (e != null && readLock.tryLock()) {
          try {
            e.shutdown(); // frees the native SSL now rather than at garbage collection
          } finally {
            readLock.unlock();
          }
        }
      }
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    if (closed) throw new SocketException("Socket is closed");
    closeOutbound();
  }

  @Override
  public boolean isOutputShutdown() {
    return outboundDone || under.isOutputShutdown();
  }

  @Override
  public void shutdownInput() throws IOException {
    if (closed) throw new SocketException("Socket is closed");
    inboundDone = true;
  }

  @Override
  public boolean isInputShutdown() {
    return inboundDone || under.isInputShutdown();
  }

  @Override
  public boolean isClosed() {
    return closed || (autoClose && under.isClosed());
  }

  @Override
  public String toString() {
    return "NativeSocket[" + (clientMode ? "client" : "server") + ", " + describePeer() + ", " + under + "]";
  }

  private final class In extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = NativeSocket.this.read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      return NativeSocket.this.read(b, off, len);
    }

    @Override
    public int available() {
      return handshakeDone ? appIn.remaining() : 0;
    }

    @Override
    public void close() throws IOException {
      NativeSocket.this.close();
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      NativeSocket.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len > 0) NativeSocket.this.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      NativeSocket.this.close();
    }
  }
}
