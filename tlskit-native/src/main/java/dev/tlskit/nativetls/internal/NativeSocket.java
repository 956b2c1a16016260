package dev.tlskit.nativetls.internal;

import dev.tlskit.internal.io.Closing;
import dev.tlskit.internal.net.TransportSocket;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
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
 * reads through netty's OpenSSL {@code SSLEngine}: the handshake, the engine's parameters and the {@code SSLSocket}
 * surface here, the records in {@link RecordIo}. The socket's SO_TIMEOUT bounds every read, so also the handshake.
 */
final class NativeSocket extends LayeredSslSocket {
  private static final System.Logger LOG = System.getLogger("dev.tlskit.nativetls");
  private static final AtomicBoolean NARROWED_TLS13_LOGGED = new AtomicBoolean();
  private final NativeContextSpi context;
  private final String peerHost;
  private final int peerPort;
  private final boolean autoClose;
  private final RecordIo io;
  private final ReentrantLock handshakeLock = new ReentrantLock();
  private final List<HandshakeCompletedListener> listeners = new ArrayList<>();

  private boolean clientMode = true;
  private SSLParameters params;
  /** The protocols and suites the engine's server context fixed, or null (see {@link #applyParameters}). */
  private String[] fixedProtocols;
  private String[] fixedSuites;
  private ReferenceCountedOpenSslEngine engine;
  private volatile boolean handshakeDone;
  private IOException handshakeFailure;
  private volatile String applicationProtocol;
  private volatile boolean sniRefused;
  /** BoringSSL's names of the hybrid groups this socket requires, or null (see {@link #requireHybrid}). */
  private List<String> requiredHybrid;

  private volatile boolean closed;
  private final InputStream in = new SocketStreams.In(this);
  private final OutputStream out = new SocketStreams.Out(this);

  NativeSocket(NativeContextSpi context, Socket under, String peerHost, int peerPort, boolean autoClose)
      throws IOException {
    super(under);
    this.context = context;
    this.peerHost = peerHost;
    this.peerPort = peerPort;
    this.autoClose = autoClose;
    this.io = new RecordIo(under.getInputStream(), under.getOutputStream(), peerHost + ":" + peerPort,
        under instanceof TransportSocket t ? t : null);
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
    if (clientMode) {
      // one client context per ALPN list: an FTPS data connection resumes its control connection's session from it
      ctx = context.client(alpn);
    } else {
      NativeContextSpi.Server s = context.server(alpn, params.getProtocols(), params.getCipherSuites());
      ctx = s.context();
      if (s.fixed()) {
        fixedProtocols = params.getProtocols();
        fixedSuites = params.getCipherSuites();
      }
    }
    ReferenceCountedOpenSslEngine e = (ReferenceCountedOpenSslEngine) ctx.newEngine(ByteBufAllocator.DEFAULT,
        peerHost, peerPort);
    engine = e;
    applyParameters(e, params);
  }

  /**
   * Sets {@code p} on the engine. The protocols and suites only when its context did not fix them already (a server
   * context made for these protocols and suites, {@link NativeContextSpi#server(List, String[], String[])}): netty's
   * conversions of suite names, and reading the engine's parameters back, then run once per context, not per engine.
   */
  private void applyParameters(ReferenceCountedOpenSslEngine e, SSLParameters p) {
    boolean fixed = fixedSuites != null && Arrays.equals(fixedProtocols, p.getProtocols())
        && Arrays.equals(fixedSuites, p.getCipherSuites());
    SSLParameters q = fixed ? new SSLParameters() : e.getSSLParameters();
    if (!fixed) {
      if (p.getProtocols() != null) q.setProtocols(supported(p.getProtocols(), e.getSupportedProtocols()));
      if (p.getCipherSuites() != null) q.setCipherSuites(suites(p.getCipherSuites(), e.getSupportedCipherSuites()));
    }
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

  static boolean isTls13(String suite) {
    return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
  }

  private static String[] supported(String[] wanted, String[] supported) {
    Set<String> s = Set.of(supported);
    return Arrays.stream(wanted).filter(s::contains).toArray(String[]::new);
  }

  /** Returns the wanted protocols BoringSSL speaks, as {@link #applyParameters} sets them on an engine. */
  static List<String> supportedProtocols(String[] wanted) {
    return List.of(supported(wanted, NativeContextSpi.ALL_PROTOCOLS.toArray(String[]::new)));
  }

  /** Returns the wanted suites BoringSSL has, as {@link #applyParameters} sets them on an engine. */
  static List<String> supportedSuites(String[] wanted) {
    return List.of(suites(wanted, NativeContextSpi.supportedSuites()));
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
            if (!io.readRecord()) {
              throw new SSLHandshakeException("Remote host terminated the handshake (" + describePeer() + ")");
            }
            SSLEngineResult r = io.unwrapRecord(e);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
              io.flushPending(e);
              throw new SSLHandshakeException("Remote host closed the connection during the handshake ("
                  + describePeer() + ")");
            }
            hs = r.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_UNWRAP && !io.recordLeft()) {
              // netty tells that a record completed the handshake (a TLS 1.2 client reading the server's Finished)
              // only on the next unwrap: poll it with no input
              hs = io.unwrapRecord(e).getHandshakeStatus();
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
      io.flushPending(e); // TLS 1.3 server: the session tickets after its Finished
      applicationProtocol = e.getApplicationProtocol();
    } catch (SSLException x) {
      io.flushPendingQuietly(e); // the alert BoringSSL queued for the peer
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
    io.writeLock.lock();
    try {
      SSLEngineResult r = io.wrapNothing(e);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
        throw new SSLHandshakeException("TLS engine closed during the handshake (" + describePeer() + ")");
      }
      HandshakeStatus hs = r.getHandshakeStatus();
      return hs == HandshakeStatus.NOT_HANDSHAKING ? e.getHandshakeStatus() : hs;
    } finally {
      io.writeLock.unlock();
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

  // ---- application data: the record layer ----

  int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    startHandshake();
    return io.read(engine, b, off, len);
  }

  void write(byte[] b, int off, int len) throws IOException {
    startHandshake();
    io.write(engine, b, off, len, closed);
  }

  /** Sends close_notify once; not when a blocked writer holds the output (the socket is closed below anyway). */
  private void closeOutbound() throws IOException {
    if (io.outboundDone || engine == null || !handshakeDone) {
      io.outboundDone = true;
      return;
    }
    io.closeOutbound(engine);
  }

  /**
   * Before the TCP socket closes: waits for the peer's answer to our close_notify (reading and throwing away what
   * comes before it), at most as long as {@link Closing#closeWaitMillis} allows for this socket's SO_TIMEOUT (1 s; no
   * wait when SO_TIMEOUT is 0), so that the TCP close is a FIN behind all we sent, not a reset (see
   * {@link RecordIo#awaitPeerClose}). Not when TLS ends without closing TCP (FTP's CCC: {@code autoClose} false).
   */
  private void awaitPeerClose() {
    ReferenceCountedOpenSslEngine e = engine;
    if (e == null || !handshakeDone) return;
    try {
      io.awaitPeerClose(e, under, Closing.closeWaitMillis(under.getSoTimeout()));
    } catch (SocketException ignored) {
      // closed below already
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
        if (autoClose) {
          awaitPeerClose();
          under.close();
        }
      } finally {
        ReferenceCountedOpenSslEngine e = engine;
        if (e != null && io.readLock.tryLock()) {
          try {
            e.shutdown(); // frees the native SSL now rather than at garbage collection
          } finally {
            io.readLock.unlock();
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
    return io.outboundDone || under.isOutputShutdown();
  }

  @Override
  public void shutdownInput() throws IOException {
    if (closed) throw new SocketException("Socket is closed");
    io.inboundDone = true;
  }

  @Override
  public boolean isInputShutdown() {
    return io.inboundDone || under.isInputShutdown();
  }

  @Override
  public boolean isClosed() {
    return closed || (autoClose && under.isClosed());
  }

  /** Returns the plaintext bytes a read returns without blocking: none before the handshake completed. */
  int availablePlaintext() {
    return handshakeDone ? io.available() : 0;
  }

  @Override
  public String toString() {
    return "NativeSocket[" + (clientMode ? "client" : "server") + ", " + describePeer() + ", " + under + "]";
  }
}
