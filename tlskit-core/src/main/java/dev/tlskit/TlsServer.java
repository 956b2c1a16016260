package dev.tlskit;

import dev.tlskit.ServerMetrics.HandshakeFailure;
import dev.tlskit.internal.concurrent.Threads;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.server.Admission;
import dev.tlskit.internal.server.Failures;
import dev.tlskit.internal.server.LogThrottle;
import dev.tlskit.internal.server.ProxyProtocol;
import dev.tlskit.internal.server.RenegotiationGuard;
import dev.tlskit.internal.server.SniKeyManager;
import dev.tlskit.internal.server.SocketDeadline;
import dev.tlskit.internal.trust.Certs;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.StandardConstants;

/**
 * Accepts connections on one or more addresses and serves each on its own virtual thread, over implicit TLS or over
 * plaintext that the handler upgrades in place ({@link ServerConnection#upgradeToTls(String)}).
 *
 * <p>Defaults, all changeable on the {@link Builder}: listens on the loopback address, any free port; implicit TLS;
 * the {@link TlsPolicy#MODERN} policy (TLS 1.3 and 1.2, forward-secret AEAD suites, enforced in the server's order);
 * no client authentication; every authenticated peer admitted; no ALPN; session resumption on; at most 1000
 * connections, of which at most 256 not yet secured (the oldest unsecured one is shed to make room for a new
 * connection; see {@link Builder#maxHandshakes(int)}); handshake timeout 10 s; setup timeout 60 s (from accept to a
 * secured connection, the plaintext phase before STARTTLS included; never less than the handshake timeout); idle
 * timeout 5 min; shutdown drains for 10 s; no PROXY protocol; certificate files not watched. The numeric defaults are
 * also the {@code DEFAULT_*} constants of {@link Builder}, which {@code tlskit serve} uses as its own.
 *
 * <p>Logging ({@code System.Logger} "dev.tlskit.server") stays bounded under a flood: every event a peer can repeat
 * at will is either DEBUG (one line per connection: each handshake refusal and why, each connection's end) or
 * throttled, that is logged at once the first time, then at most one summary line per 10 s with the count since.
 * Throttled: refusals at the connection limit, connections shed and PROXY header errors (WARNING), handshake and
 * setup timeouts (INFO), failures of the listener, the authorizer and {@code accept} (WARNING, the first with its
 * stack trace). The exact counts are in {@link #metrics()}, and each handshake refusal reaches the {@link
 * ServerListener}.
 *
 * <p>Client-initiated TLS 1.2 renegotiation is refused, twice over. First, the JDK's {@code
 * jdk.tls.rejectClientInitiatedRenegotiation} is set to true unless already set; the JDK reads it once per process, at
 * its first server handshake, so it does nothing when any other server handshake (another library's, a plain {@code
 * SSLServerSocket}'s) ran earlier in the JVM, and an explicit "false" is respected. Second, independently of the JVM's
 * history: the client's TLS records are read through a guard that, once the handshake has completed, closes the
 * connection with a handshake_failure alert at the first handshake record, before the TLS layer parses it (counted
 * as {@link ServerMetrics.HandshakeFailure#RENEGOTIATION_REFUSED}). Limits: the guard judges record types only, so a
 * renegotiation the server itself starts (a handler calling {@code startHandshake()} on {@link
 * ServerConnection#socket()}) is refused too; TLS 1.3 has no renegotiation, and its KeyUpdate and other
 * post-handshake messages travel as application data and pass.
 *
 * <p>Turning session resumption off ({@link Builder#sessionResumption(boolean)}) sets the JVM-wide {@code
 * jdk.tls.server.enableSessionTicketExtension} to false for the instant the server's TLS context is created and then
 * restores it, serialized against every other TlsServer. A server context another library creates on another thread
 * in that instant gets stateless tickets off as well (it resumes by session ID instead: a performance difference,
 * not a security one); client contexts are unaffected.
 */
public final class TlsServer implements Closeable {
  private static final System.Logger LOG = System.getLogger("dev.tlskit.server");

  static {
    if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
      System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }
  }

  /** Whether the server asks for a client certificate. */
  public enum ClientAuth {
    /** No certificate is requested. */
    NONE,
    /** A certificate is requested; a client without one is admitted, a client with an invalid one is refused. */
    WANT,
    /** A valid certificate is required. */
    NEED
  }

  private final ServerHandler handler;
  private final ServerCertificates certificates;
  private final TlsMode mode;
  private final ClientAuth clientAuth;
  private final TlsPolicy policy;
  private final ReportingTrustManager trust;
  private final Authorizer authorizer;
  private final ServerListener listener;
  private final List<String> alpn;
  private final boolean alpnRequired;
  private final boolean sessionResumption;
  private final boolean rejectUnknownNames;
  private final boolean proxyProtocol;
  private final int maxConnections;
  private final int maxHandshakes;
  private final Admission admission;
  private final Duration handshakeTimeout;
  private final Duration setupTimeout;
  private final Duration idleTimeout;
  private final Duration drainTimeout;
  private final SSLSocketFactory factory;
  private final List<ServerSocket> listeners = new ArrayList<>();
  private final Set<ServerConnection> live = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Threads.watchdog();
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final Object drainLock = new Object();
  private final AtomicLong ids = new AtomicLong();
  private Thread watcher;

  private static final String SHED_DETAIL = "not yet secured, and the oldest such: closed to make room for a newer "
      + "connection";

  /** How often a throttled log line may repeat; see the class documentation. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private final LogThrottle atLimitLog;
  private final LogThrottle shedLog;
  private final LogThrottle proxyHeaderLog;
  private final LogThrottle timeoutLog;
  private final LogThrottle callbackLog;
  private final LogThrottle acceptLog;

  private final LongAdder total = new LongAdder();
  private final LongAdder refusedAtLimit = new LongAdder();
  private final LongAdder handshakesOk = new LongAdder();
  private final Map<HandshakeFailure, LongAdder> failures = new EnumMap<>(HandshakeFailure.class);
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();

  private TlsServer(Builder b) throws IOException {
    this.handler = b.handler;
    this.certificates = b.certificates;
    this.mode = b.mode;
    this.clientAuth = b.clientAuth;
    this.policy = b.policy;
    this.trust = (ReportingTrustManager) policy.trustManager();
    this.authorizer = b.authorizer;
    this.listener = b.listener;
    this.alpn = List.copyOf(b.alpn.isEmpty() ? policy.alpn() : b.alpn);
    this.alpnRequired = b.alpnRequired;
    this.sessionResumption = b.sessionResumption;
    this.rejectUnknownNames = b.rejectUnknownNames;
    this.proxyProtocol = b.proxyProtocol;
    this.maxConnections = b.maxConnections;
    this.maxHandshakes = b.effectiveMaxHandshakes();
    this.admission = new Admission(maxConnections, maxHandshakes);
    this.handshakeTimeout = b.handshakeTimeout;
    this.setupTimeout = b.effectiveSetupTimeout();
    this.idleTimeout = b.idleTimeout;
    this.atLimitLog = throttle(Level.WARNING, (n, secs) -> "refused " + n + " more connection(s) at the limit of "
        + maxConnections + " in the last " + secs + " s");
    this.shedLog = throttle(Level.WARNING, (n, secs) -> "shed " + n + " more connection(s) not yet secured to make "
        + "room for newer ones (limits: " + maxHandshakes + " unsecured, " + maxConnections + " in all) in the last "
        + secs + " s");
    this.proxyHeaderLog = throttle(Level.WARNING, (n, secs) -> "refused " + n + " more connection(s) without a valid "
        + "PROXY header in the last " + secs + " s");
    this.timeoutLog = throttle(Level.INFO, (n, secs) -> "closed " + n + " more connection(s) not secured in time "
        + "(handshake timeout " + handshakeTimeout.toMillis() + " ms, setup timeout " + setupTimeout.toMillis()
        + " ms) in the last " + secs + " s");
    this.callbackLog = throttle(Level.WARNING, (n, secs) -> n + " more failure(s) of the server listener or "
        + "authorizer in the last " + secs + " s");
    this.acceptLog = throttle(Level.WARNING, (n, secs) -> n + " more accept failure(s) in the last " + secs + " s");
    this.drainTimeout = b.drainTimeout;
    for (HandshakeFailure f : HandshakeFailure.values()) failures.put(f, new LongAdder());
    SSLContext context = newContext(policy, sessionResumption);
    try {
      context.init(new javax.net.ssl.KeyManager[] {certificates.keyManager()},
          new javax.net.ssl.TrustManager[] {trust}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make a TLS context", e);
    }
    if (!sessionResumption) {
      // No session tickets: the JDK issues none when the session lifetime exceeds the 7-day ticket maximum (and,
      // the context being stateless-free, TLS 1.2 does not promise one). Session IDs are invalidated after each
      // handshake (see handshake()).
      context.getServerSessionContext().setSessionTimeout((int) Duration.ofDays(8).toSeconds());
    }
    this.factory = context.getSocketFactory();
    try {
      for (InetSocketAddress a : b.addresses) {
        ServerSocket ss = new ServerSocket();
        listeners.add(ss);
        ss.setReuseAddress(true);
        ss.bind(a, b.backlog);
      }
    } catch (IOException e) {
      listeners.forEach(TlsServer::closeQuietly);
      throw e;
    }
    for (ServerSocket ss : listeners) {
      Threads.startVirtual("tlskit-accept-" + ss.getLocalSocketAddress(), () -> acceptLoop(ss));
    }
    if (b.watchInterval != null) {
      watcher = Threads.startVirtual("tlskit-certificate-watch", () -> watch(b.watchInterval));
    }
  }

  private static final Object CONTEXT_LOCK = new Object();

  /**
   * Creates the TLS context. Without resumption, the JDK's per-context stateless-ticket switch is only settable
   * through the system property it reads when a context is created, so it is set for that moment and restored.
   *
   * <p>The JDK reads {@code jdk.tls.server.enableSessionTicketExtension} only in the {@code SSLContext} constructor
   * (for the server-side session cache every context has), and every TlsServer creates its context under {@link
   * #CONTEXT_LOCK}, so TlsServers never see each other's temporary value. Outside the lock: a client context created
   * at that moment on another thread (a TlsClient's) reads it only for its unused server-side cache, so clients are
   * unaffected; a server context another library creates at that moment gets stateless tickets off, which means
   * session-ID (stateful) resumption instead, not weaker security; code that sets the property itself while this runs
   * may have its value read as "false" or overwritten by the restore. Prefer setting it once at startup if that
   * matters.
   */
  private static SSLContext newContext(TlsPolicy policy, boolean resumption) {
    String property = "jdk.tls.server.enableSessionTicketExtension";
    synchronized (CONTEXT_LOCK) {
      String before = System.getProperty(property);
      try {
        if (!resumption) System.setProperty(property, "false");
        return policy.provider() == null ? SSLContext.getInstance("TLS")
            : SSLContext.getInstance("TLS", policy.provider());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK cannot make a TLS context", e);
      } finally {
        if (!resumption) {
          if (before == null) System.clearProperty(property);
          else System.setProperty(property, before);
        }
      }
    }
  }

  /** Returns a builder for a server that runs {@code handler} for every connection. */
  public static Builder builder(ServerHandler handler, ServerCertificates certificates) {
    return new Builder(handler, certificates);
  }

  /** Returns the addresses the server listens on, with the ports actually bound. */
  public List<InetSocketAddress> addresses() {
    return listeners.stream().map(s -> (InetSocketAddress) s.getLocalSocketAddress()).toList();
  }

  /** Returns the first listening port (handy when one address was asked for with port 0). */
  public int port() {
    return listeners.get(0).getLocalPort();
  }

  /** Returns the server's certificates; {@link ServerCertificates#reload()} swaps them for new handshakes. */
  public ServerCertificates certificates() {
    return certificates;
  }

  /** Re-reads the certificate and key files; live connections are unaffected. Same as {@code certificates().reload()}. */
  public void reload() throws IOException {
    certificates.reload();
    LOG.log(Level.INFO, "reloaded server certificates: {0}", describe(certificates.leaves()));
  }

  /** Returns a snapshot of the counters. */
  public ServerMetrics metrics() {
    Map<HandshakeFailure, Long> failed = new EnumMap<>(HandshakeFailure.class);
    failures.forEach((k, v) -> {
      if (v.sum() > 0) failed.put(k, v.sum());
    });
    return new ServerMetrics(admission.open(), total.sum(), refusedAtLimit.sum(), handshakesOk.sum(), failed,
        bytesIn.sum(), bytesOut.sum());
  }

  boolean isShuttingDown() {
    return shuttingDown.get();
  }

  /**
   * Stops accepting, waits up to {@code drain} for open connections to end on their own, then closes the rest.
   * Returns true when every connection ended within the drain time.
   */
  public boolean shutdown(Duration drain) {
    shuttingDown.set(true);
    listeners.forEach(TlsServer::closeQuietly);
    if (watcher != null) watcher.interrupt();
    long deadline = System.nanoTime() + drain.toNanos();
    synchronized (drainLock) {
      long left;
      while (admission.open() > 0 && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(drainLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    boolean drained = admission.open() == 0;
    if (!drained) {
      LOG.log(Level.INFO, "closing {0} connection(s) still open after the drain time", live.size());
      for (ServerConnection c : live) closeQuietly(c.rawSocket());
    }
    for (LogThrottle t : List.of(atLimitLog, shedLog, proxyHeaderLog, timeoutLog, callbackLog, acceptLog)) t.flush();
    return drained;
  }

  /** Shuts down, draining open connections for the builder's drain timeout (default 10 s). */
  @Override
  public void close() {
    shutdown(drainTimeout);
  }

  private void acceptLoop(ServerSocket ss) {
    int failures = 0;
    while (!shuttingDown.get()) {
      Socket s;
      try {
        s = ss.accept();
      } catch (IOException e) {
        if (!shuttingDown.get() && !ss.isClosed()) {
          acceptLog.log(() -> "accept failed on " + ss + "; further failures are summarized", e);
        }
        if (ss.isClosed()) return;
        // An accept that failed (out of file descriptors, no buffers) fails again at once: pause instead of
        // spinning a CPU, longer while it goes on.
        try {
          Thread.sleep(acceptBackoffMillis(++failures));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      failures = 0;
      Admission.Decision admitted = admission.admit(s);
      // The shed connection's own thread sees its socket closed and counts it (SHED), exactly once.
      if (admitted.shed() != null) closeQuietly(admitted.shed().socket());
      if (admitted.admitted() == null) {
        refusedAtLimit.increment(); // before the close, so a client that sees the close sees the count
        closeQuietly(s);
        atLimitLog.log(() -> "refused " + s.getRemoteSocketAddress() + ": " + maxConnections + " connections open "
            + "and secured (the limit); further refusals are summarized every " + LOG_INTERVAL.toSeconds() + " s",
            null);
        continue;
      }
      total.increment();
      Admission.Slot slot = admitted.admitted();
      Threads.startVirtual("tlskit-connection-" + ids.incrementAndGet(), () -> serve(s, slot));
    }
  }

  /** Returns the pause after the {@code failures}-th accept failure in a row: 5 ms, doubling, at most 1 s. */
  static long acceptBackoffMillis(int failures) {
    return Math.min(1000, 5L << Math.min(Math.max(failures, 1) - 1, 8));
  }

  private void serve(Socket raw, Admission.Slot slot) {
    long setupEnd = System.nanoTime() + setupTimeout.toNanos();
    ServerConnection c = null;
    Throwable error = null;
    boolean counted = false;
    try {
      raw.setTcpNoDelay(true);
      InetSocketAddress proxied = proxyProtocol ? readProxyHeader(raw, setupEnd, slot) : null;
      c = new ServerConnection(this, raw, proxied, setupEnd, slot);
      live.add(c);
      if (mode == TlsMode.IMPLICIT) {
        handshake(c);
      } else {
        raw.setSoTimeout(millis(idleTimeout));
        // The idle timeout restarts at every byte, so a client trickling bytes would stay in plaintext forever; this
        // bounds the whole plaintext phase. handshake() cancels it and bounds the handshake by what is left.
        c.plaintextDeadline = SocketDeadline.start(timer, raw, setupEnd - System.nanoTime());
      }
      handler.handle(c);
    } catch (Refused r) {
      counted = true; // already counted and reported
    } catch (IOException | RuntimeException e) {
      if (c != null && c.refused) return; // counted and reported by refuse(); finally still runs
      error = e;
      LOG.log(Level.DEBUG, "connection from " + raw.getRemoteSocketAddress() + " ended: " + e, e);
    } finally {
      if (c != null && c.plaintextDeadline != null) {
        c.plaintextDeadline.cancel(); // else the timer's queue holds the socket until the deadline
      }
      if (!counted && (c == null || !c.refused)) {
        if (slot.shed()) {
          if (c != null) refuse(c, HandshakeFailure.SHED, SHED_DETAIL);
          else count(HandshakeFailure.SHED, (InetSocketAddress) raw.getRemoteSocketAddress(), SHED_DETAIL);
        } else if (c != null && c.plaintextDeadline != null && c.plaintextDeadline.passed()) {
          refuse(c, HandshakeFailure.SETUP_TIMEOUT, "still plaintext after the setup timeout of "
              + setupTimeout.toMillis() + " ms");
        }
      }
      // The connection first: over TLS it sends close_notify. Closing the raw socket first cut the TLS stream, which
      // clients report as truncation and OpenSSL punishes by not resuming the session (scripts/bench-openssl).
      if (c != null) closeQuietly(c);
      closeQuietly(raw);
      if (c != null) {
        live.remove(c);
        if (!c.refused) notifyClosed(c, error);
      }
      slot.release();
      synchronized (drainLock) {
        drainLock.notifyAll();
      }
    }
  }

  private InetSocketAddress readProxyHeader(Socket raw, long setupEnd, Admission.Slot slot) throws IOException {
    Phase phase = phase(raw, setupEnd);
    try {
      raw.setSoTimeout(millis(handshakeTimeout));
      ProxyProtocol.Header h = ProxyProtocol.read(raw.getInputStream());
      return h.source();
    } catch (IOException e) {
      HandshakeFailure why = slot.shed() ? HandshakeFailure.SHED : phase.deadline().passed() ? phase.onTimeout()
          : e instanceof SocketTimeoutException ? HandshakeFailure.TIMEOUT : HandshakeFailure.PROXY_HEADER_INVALID;
      count(why, (InetSocketAddress) raw.getRemoteSocketAddress(),
          why == HandshakeFailure.SHED ? SHED_DETAIL : e.getMessage());
      throw new Refused();
    } finally {
      phase.deadline().cancel();
    }
  }

  /** The deadline of a pre-TLS phase, and the reason counted when it passes. */
  private record Phase(SocketDeadline deadline, HandshakeFailure onTimeout) {}

  /** Starts a phase bounded by the handshake timeout, or by what is left of the setup timeout when that ends first. */
  private Phase phase(Socket raw, long setupEnd) {
    long left = setupEnd - System.nanoTime();
    long limit = handshakeTimeout.toNanos();
    return left < limit ? new Phase(SocketDeadline.start(timer, raw, left), HandshakeFailure.SETUP_TIMEOUT)
        : new Phase(SocketDeadline.start(timer, raw, limit), HandshakeFailure.TIMEOUT);
  }

  /** Runs the server side of a TLS handshake on the connection's raw socket, then the authorizer. */
  void handshake(ServerConnection c) throws IOException {
    Socket raw = c.rawSocket();
    if (c.plaintextDeadline != null) c.plaintextDeadline.cancel(); // the handshake's own deadline takes over
    AtomicBoolean alpnRefused = new AtomicBoolean();
    long handshakeStart = System.currentTimeMillis();
    Phase phase = phase(raw, c.setupEnd);
    SocketDeadline deadline = phase.deadline();
    SSLSocket ssl = null;
    AtomicReference<RenegotiationGuard> guard = new AtomicReference<>();
    try {
      raw.setSoTimeout(millis(handshakeTimeout));
      // The (Socket, host, port, autoClose) form, made server-side by setUseClientMode(false): providers such as
      // Conscrypt do not implement the (Socket, InputStream, autoClose) form.
      // TLS reads the client's records through a guard that refuses renegotiation once the handshake is done,
      // whatever the JDK's process-wide setting (see the class documentation). Writes are bounded by the idle timeout.
      Socket under = new TransportSocket(raw, idleTimeout, in -> {
        RenegotiationGuard g = new RenegotiationGuard(in, () -> count(HandshakeFailure.RENEGOTIATION_REFUSED,
            c.remoteAddress(), "client-initiated renegotiation"));
        guard.set(g);
        return g;
      });
      ssl = (SSLSocket) factory.createSocket(under, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
      ssl.setUseClientMode(false);
      ssl.setSSLParameters(parameters());
      if (!alpn.isEmpty()) {
        ssl.setHandshakeApplicationProtocolSelector((s, offered) -> {
          for (String p : alpn) {
            if (offered.contains(p)) return p;
          }
          alpnRefused.set(true);
          return null; // no_application_protocol alert (RFC 7301 section 3.2)
        });
      }
      ssl.startHandshake();
      guard.get().arm();
      deadline.cancel();
      if (deadline.passed()) throw new SocketTimeoutException("handshake deadline passed");
      if (!c.slot.secure()) throw new java.net.SocketException("shed just before its handshake completed");
    } catch (IOException | RuntimeException e) {
      deadline.cancel();
      ValidationReport report = ssl == null ? null : trust.takeReport(ssl);
      if (report != null && report.accepted()) report = null; // judged fine; the handshake failed for another reason
      HandshakeFailure why = c.slot.shed() ? HandshakeFailure.SHED
          : deadline.passed() ? phase.onTimeout()
          // the plaintext phase's deadline passed just before it was cancelled, closing the socket under us
          : c.plaintextDeadline != null && c.plaintextDeadline.passed() ? HandshakeFailure.SETUP_TIMEOUT
          : report != null ? HandshakeFailure.CERTIFICATE_REJECTED
          : alpnRefused.get() ? HandshakeFailure.ALPN_MISMATCH
          : Failures.classify(e);
      refuse(c, why, why == HandshakeFailure.SHED ? SHED_DETAIL : String.valueOf(e.getMessage()));
      closeQuietly(c);
      if (why == HandshakeFailure.TIMEOUT || why == HandshakeFailure.SETUP_TIMEOUT) {
        throw new SocketTimeoutException("TLS handshake with " + c.remoteAddress() + " did not finish within the "
            + (why == HandshakeFailure.TIMEOUT ? "handshake timeout of " + handshakeTimeout.toMillis()
                : "setup timeout of " + setupTimeout.toMillis()) + " ms");
      }
      throw new TlsSecurityException(
          why == HandshakeFailure.CERTIFICATE_REJECTED ? TlsSecurityException.Reason.CERTIFICATE_REJECTED
              : why == HandshakeFailure.ALPN_MISMATCH ? TlsSecurityException.Reason.ALPN_MISMATCH
              : TlsSecurityException.Reason.HANDSHAKE_FAILED,
          "TLS handshake with " + c.remoteAddress() + " failed (" + why + "): " + e.getMessage()
              + (report == null ? "" : "; " + report.problemSummary()), report, e);
    }
    SSLSession session = ssl.getSession();
    ValidationReport report = trust.takeReport(ssl);
    if (report == null) report = ReportingTrustManager.reportOf(session); // resumed: judged when it was created
    boolean resumed = session.getCreationTime() < handshakeStart;
    if (!sessionResumption) session.invalidate();
    String selected = ssl.getApplicationProtocol();
    if (alpnRequired && (selected == null || selected.isEmpty())) {
      refuse(c, HandshakeFailure.ALPN_MISMATCH, "client offered no ALPN protocol; required one of " + alpn);
      closeQuietly(c);
      throw new TlsSecurityException(TlsSecurityException.Reason.ALPN_MISMATCH,
          "client " + c.remoteAddress() + " offered no ALPN protocol; this server requires one of " + alpn);
    }
    SecurityInfo info = describe(session, clientAuth != ClientAuth.NONE, selected, resumed, report);
    c.secured(ssl, info, info.peerChain().isEmpty() ? null : PeerIdentity.of(info.peerChain()), info.peerName());
    ssl.setSoTimeout(millis(idleTimeout));
    boolean admitted;
    try {
      admitted = authorizer.permits(c);
    } catch (RuntimeException e) {
      callbackLog.log(() -> "authorizer failed for " + c.remoteAddress() + "; refusing the peer", e);
      admitted = false;
    }
    if (!admitted) {
      String who = c.peerIdentity().map(PeerIdentity::toString).orElse("no client certificate");
      refuse(c, HandshakeFailure.PEER_NOT_AUTHORIZED, who);
      closeQuietly(c);
      throw new TlsSecurityException(TlsSecurityException.Reason.PEER_NOT_AUTHORIZED,
          "peer " + c.remoteAddress() + " (" + who + ") refused by the authorizer");
    }
    try {
      listener.secured(c);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
    handshakesOk.increment(); // after the listener, as in count()
  }

  /** Describes a completed server-side handshake; {@code peerName} is the SNI name the client asked for. */
  private static SecurityInfo describe(
      SSLSession session, boolean clientAuth, String alpn, boolean resumed, ValidationReport report) {
    List<X509Certificate> peer = new ArrayList<>();
    // Without client authentication there is no peer chain, and asking for it throws: an exception per handshake.
    if (clientAuth) {
      try {
        for (Certificate x : session.getPeerCertificates()) peer.add((X509Certificate) x);
      } catch (SSLPeerUnverifiedException e) {
        // no client certificate
      }
    }
    List<X509Certificate> local = new ArrayList<>();
    if (session.getLocalCertificates() != null) {
      for (Certificate x : session.getLocalCertificates()) local.add((X509Certificate) x);
    }
    String sni = SniKeyManager.requestedName(session);
    return new SecurityInfo(session.getProtocol(), session.getCipherSuite(), SecurityInfo.UNKNOWN,
        SecurityInfo.UNKNOWN, peer.isEmpty() ? null : Certs.keyType(peer.get(0).getPublicKey()),
        peer.isEmpty() ? -1 : Certs.keyBits(peer.get(0).getPublicKey()), sni, sni != null,
        alpn == null || alpn.isEmpty() ? null : alpn, resumed, peer, local, peer.isEmpty() ? null : report);
  }

  private SSLParameters parameters() {
    SSLParameters p = policy.sslParameters(); // protocols, suites in server order, groups, signature schemes
    switch (clientAuth) {
      case NEED -> p.setNeedClientAuth(true);
      case WANT -> p.setWantClientAuth(true);
      case NONE -> { }
    }
    // Always a matcher, even one that accepts every name: only with one does the JDK refuse to resume a session
    // under another SNI name than it was made for (RFC 6066 section 3); without, a client could carry a.test's
    // session to b.test, and requestedServerName() would report the old session's name.
    p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
      @Override
      public boolean matches(SNIServerName name) {
        if (!rejectUnknownNames) return true;
        try {
          SNIHostName host = name instanceof SNIHostName h ? h : new SNIHostName(name.getEncoded());
          return certificates.snapshot().covers(host.getAsciiName());
        } catch (IllegalArgumentException notAHostName) {
          return false;
        }
      }
    }));
    if (!alpn.isEmpty()) p.setApplicationProtocols(alpn.toArray(String[]::new));
    return p;
  }

  /** Counts and reports a refused connection; the caller closes it. */
  void refuse(ServerConnection c, HandshakeFailure why, String detail) {
    c.refused = true;
    count(why, c.remoteAddress(), detail);
  }

  /**
   * Reports a refusal to the listener, then counts it. In that order: whoever sees the count in {@link #metrics()}
   * (a volatile read of what the increment wrote) then also sees everything the listener did. Counted first, a test
   * that waited for the count and then read its listener's records could find them empty.
   */
  private void count(HandshakeFailure why, InetSocketAddress remote, String detail) {
    try {
      listener.refused(remote, why, detail);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
    failures.get(why).increment();
    LOG.log(Level.DEBUG, "refused {0}: {1}: {2}", remote, why, detail);
    LogThrottle aggregate = switch (why) {
      case TIMEOUT, SETUP_TIMEOUT -> timeoutLog;
      case SHED -> shedLog;
      case PROXY_HEADER_INVALID -> proxyHeaderLog;
      default -> null; // routine on any public port: DEBUG above, the listener and metrics() have each one
    };
    if (aggregate != null) {
      aggregate.log(() -> "refused " + remote + ": " + why + ": " + detail + "; further ones are summarized every "
          + LOG_INTERVAL.toSeconds() + " s", null);
    }
  }

  private void notifyClosed(ServerConnection c, Throwable error) {
    try {
      listener.closed(c, error);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  private void listenerFailed(RuntimeException e) {
    callbackLog.log(() -> "server listener failed; further failures are summarized", e);
  }

  private LogThrottle throttle(Level level, LogThrottle.Summary summary) {
    return new LogThrottle(LOG, level, LOG_INTERVAL, timer, summary);
  }

  private void watch(Duration interval) {
    List<Path> files = certificates.files();
    String seen = stamp(files);
    while (!shuttingDown.get()) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      String now = stamp(files);
      if (now.equals(seen)) continue;
      seen = now;
      try {
        reload();
      } catch (IOException e) {
        // A certificate written before its key fails to match; the next change (the key) triggers a retry.
        LOG.log(Level.WARNING, "certificate files changed but could not be reloaded; keeping the previous ones: "
            + e.getMessage());
      }
    }
  }

  private static String stamp(List<Path> files) {
    StringBuilder sb = new StringBuilder();
    for (Path f : files) {
      try {
        sb.append(Files.getLastModifiedTime(f).toMillis()).append('/').append(Files.size(f)).append(';');
      } catch (IOException e) {
        sb.append("missing;");
      }
    }
    return sb.toString();
  }

  private static String describe(List<X509Certificate> leaves) {
    return leaves.stream().map(x -> x.getSubjectX500Principal().getName() + " (sha256 "
        + PeerIdentity.fingerprint(x).substring(0, 23) + "...)").toList().toString();
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }

  /** A connection refused before it had a {@link ServerConnection}; already counted and reported. */
  static final class Refused extends IOException {
    Refused() {
      super("refused");
    }
  }

  /** Builds and starts a {@link TlsServer}. Every option states its default. */
  public static final class Builder {
    private final ServerHandler handler;
    private final ServerCertificates certificates;
    private final List<InetSocketAddress> addresses = new ArrayList<>();
    private TlsMode mode = TlsMode.IMPLICIT;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private TlsPolicy policy = TlsPolicy.MODERN;
    private boolean clientIssuersSet;
    private Authorizer authorizer = Authorizer.ALLOW_ALL;
    private ServerListener listener = new ServerListener() {};
    private List<String> alpn = List.of();
    private boolean alpnRequired;
    private boolean sessionResumption = true;
    private boolean rejectUnknownNames;
    private boolean proxyProtocol;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Integer maxHandshakes; // null: DEFAULT_MAX_HANDSHAKES, or maxConnections if that is smaller
    private int backlog = 128;
    private Duration handshakeTimeout = Duration.ofSeconds(DEFAULT_HANDSHAKE_TIMEOUT_SECONDS);
    private Duration setupTimeout; // null: DEFAULT_SETUP_TIMEOUT, or the handshake timeout if that is longer
    private Duration idleTimeout = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
    private Duration drainTimeout = Duration.ofSeconds(10);
    private Duration watchInterval;

    private Builder(ServerHandler handler, ServerCertificates certificates) {
      this.handler = Objects.requireNonNull(handler, "handler");
      this.certificates = Objects.requireNonNull(certificates, "certificates");
    }

    /** Adds an address to listen on; may be called several times. Default: the loopback address, a free port. */
    public Builder listen(InetSocketAddress address) {
      addresses.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /** Adds {@code host:port} to listen on (host is an IP literal or a local name). */
    public Builder listen(String host, int port) {
      return listen(new InetSocketAddress(host, port));
    }

    /**
     * Sets how connections start: {@link TlsMode#IMPLICIT} (the default, TLS from the first byte) or {@link
     * TlsMode#STARTTLS} (plaintext; the handler calls {@link ServerConnection#upgradeToTls(String)}).
     */
    public Builder mode(TlsMode mode) {
      if (mode != TlsMode.IMPLICIT && mode != TlsMode.STARTTLS) {
        throw new IllegalArgumentException("a server mode is IMPLICIT or STARTTLS, not " + mode);
      }
      this.mode = mode;
      return this;
    }

    /**
     * Sets the TLS policy: protocol versions, cipher suites (enforced in the policy's order), groups, signature
     * schemes, and the trust and validation callback that judge client certificates. Default {@link
     * TlsPolicy#MODERN}.
     */
    public Builder policy(TlsPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets whether a client certificate is requested. Default {@link ClientAuth#NONE}. WANT and NEED judge the
     * certificate with the policy's trust, which must then name the client CAs ({@link #trustedClientIssuers}).
     */
    public Builder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
      return this;
    }

    /** Trusts client certificates issued (directly or through intermediates) by these anchors only. */
    public Builder trustedClientIssuers(Collection<X509Certificate> anchors) {
      if (anchors.isEmpty()) throw new IllegalArgumentException("no client certificate anchors given");
      this.policy = policy.toBuilder().trust(Trust.anchors(anchors)).build();
      this.clientIssuersSet = true;
      return this;
    }

    /** Sets the hook that admits or refuses each peer after its handshake. Default: admit all. */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /** Sets the access-log listener. Default: none. */
    public Builder listener(ServerListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the ALPN protocols this server speaks, in its order of preference. A client that offers ALPN but none of
     * these is refused with {@code no_application_protocol}. Default: no ALPN.
     */
    public Builder alpn(String... protocols) {
      this.alpn = List.of(protocols);
      return this;
    }

    /** Refuses clients that offer no ALPN at all (when {@link #alpn} is set). Default false. */
    public Builder alpnRequired(boolean required) {
      this.alpnRequired = required;
      return this;
    }

    /**
     * Turns session resumption (TLS 1.3 tickets, TLS 1.2 IDs and tickets) on or off. Default on. Off briefly sets a
     * JVM-wide system property while the server's TLS context is created (see the class documentation). A session
     * is never resumed under another SNI name than it was made for. With the JDK's provider (seen on JDK 25), a
     * session made with a certificate other than the default one is not resumed from a stateless ticket: the JDK
     * restores the ticket's certificate by asking the key manager before it has read the client's SNI, gets the
     * default certificate, and falls back to a full handshake.
     */
    public Builder sessionResumption(boolean on) {
      this.sessionResumption = on;
      return this;
    }

    /**
     * Refuses, with an {@code unrecognized_name} alert, a client whose SNI names a host no certificate covers.
     * Clients that send no SNI still get the default certificate. Default false (the default certificate).
     */
    public Builder rejectUnknownServerNames(boolean reject) {
      this.rejectUnknownNames = reject;
      return this;
    }

    /** Expects a PROXY protocol v1 or v2 header before anything else on every connection. Default false. */
    public Builder proxyProtocol(boolean expect) {
      this.proxyProtocol = expect;
      return this;
    }

    /** Default {@link #maxConnections(int)}: 1000. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    /** Default {@link #maxHandshakes(int)}: 256 (or {@link #maxConnections(int)} when that is smaller). */
    public static final int DEFAULT_MAX_HANDSHAKES = 256;
    /** Default {@link #handshakeTimeout(Duration)}, in seconds: 10. */
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;
    /** Default {@link #setupTimeout(Duration)}, in seconds: 60 (never less than the handshake timeout). */
    public static final int DEFAULT_SETUP_TIMEOUT_SECONDS = 60;
    /** Default {@link #idleTimeout(Duration)}, in seconds: 300. */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 300;

    /**
     * Sets the most connections open at once, secured or not. When it is reached, a new connection is admitted by
     * shedding the oldest connection not yet secured (see {@link #maxHandshakes(int)}); only when every open
     * connection is secured is the new one accepted and closed at once (counted in {@link
     * ServerMetrics#connectionsRefused()}). Default 1000.
     */
    public Builder maxConnections(int max) {
      if (max < 1) throw new IllegalArgumentException("maxConnections must be at least 1: " + max);
      this.maxConnections = max;
      return this;
    }

    /**
     * Sets the most connections open at once that are not yet secured: reading the PROXY header, in plaintext before
     * STARTTLS, or in the TLS handshake. When a new connection arrives with this many (or {@link
     * #maxConnections(int)} in all) open, the oldest unsecured connection is closed to make room and counted as
     * {@link ServerMetrics.HandshakeFailure#SHED}; a new connection is never refused while an older unsecured one
     * can be shed. Clients that stall their handshake (slowloris), reset it, or trickle plaintext before STARTTLS
     * therefore cannot lock out others: they hold at most this many slots, oldest evicted first, and an honest
     * handshake, which takes a few round trips, loses its slot only if this many newer unsecured connections arrive
     * while it runs. Secured connections are never shed. In STARTTLS mode a session that stays in plaintext counts as
     * unsecured for its whole life. Default 256, or {@link #maxConnections(int)} when that is smaller; must not
     * exceed it (refused by {@link #start()}).
     */
    public Builder maxHandshakes(int max) {
      if (max < 1) throw new IllegalArgumentException("maxHandshakes must be at least 1: " + max);
      this.maxHandshakes = max;
      return this;
    }

    private int effectiveMaxHandshakes() {
      return maxHandshakes != null ? maxHandshakes : Math.min(DEFAULT_MAX_HANDSHAKES, maxConnections);
    }

    /**
     * Sets the time a client has to finish the TLS handshake (and PROXY header), one deadline for the whole
     * handshake however the client paces its bytes; separate from, and meant to be much shorter than, the idle
     * timeout. Default 10 s.
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    /**
     * Sets the time a connection has, from its accept, to be secured: PROXY header, the plaintext phase before the
     * upgrade (STARTTLS mode) and the TLS handshake together. When it passes the connection is closed and counted as
     * {@link ServerMetrics.HandshakeFailure#SETUP_TIMEOUT}; once the handshake is done it no longer applies, so TLS
     * sessions last as long as they stay within the idle timeout. It exists because the idle timeout restarts at
     * every byte: without it a client that sends one byte just inside each idle timeout keeps a plaintext connection
     * (and its slot of {@link #maxConnections}) forever. In STARTTLS mode a handler that serves whole sessions in
     * plaintext needs a value longer than its sessions.
     *
     * <p>Default 60 s, or the handshake timeout when that is longer: a few plaintext round trips (greeting, EHLO or
     * CAPABILITY, the upgrade command) and a handshake need a second or two even on slow links, so 60 s leaves wide
     * room for honest clients, while an attacker must open every slot again each minute, at least {@code
     * maxConnections / 60} connections per second to keep the server full, each one counted. Must not be shorter
     * than the handshake timeout (refused by {@link #start()}).
     */
    public Builder setupTimeout(Duration timeout) {
      this.setupTimeout = positive(timeout, "setupTimeout");
      return this;
    }

    static final Duration DEFAULT_SETUP_TIMEOUT = Duration.ofSeconds(DEFAULT_SETUP_TIMEOUT_SECONDS);

    private Duration effectiveSetupTimeout() {
      if (setupTimeout != null) return setupTimeout;
      return handshakeTimeout.compareTo(DEFAULT_SETUP_TIMEOUT) > 0 ? handshakeTimeout : DEFAULT_SETUP_TIMEOUT;
    }

    /**
     * Sets the time a read may wait for the client after the handshake; over TLS it also bounds each write to a client
     * that stops reading. Default 5 min.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /** Sets how long {@link TlsServer#close()} waits for open connections to end. Default 10 s. */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = positive(timeout, "drainTimeout");
      return this;
    }

    /** Polls the certificate files at this interval and reloads them when they change. Default: not watched. */
    public Builder watchCertificates(Duration interval) {
      this.watchInterval = positive(interval, "watch interval");
      return this;
    }

    /** Sets the listen backlog. Default 128. */
    public Builder backlog(int backlog) {
      this.backlog = backlog;
      return this;
    }

    /** Binds every address and starts accepting. */
    public TlsServer start() throws IOException {
      if (clientAuth != ClientAuth.NONE && policy.trust().isSystem()) {
        throw new IllegalStateException("clientAuth " + clientAuth + " with the policy's system trust would admit any "
            + "publicly issued certificate; set trustedClientIssuers (or a policy trusting your client CA)");
      }
      if (clientAuth == ClientAuth.NONE && clientIssuersSet) {
        throw new IllegalStateException("trustedClientIssuers is set but clientAuth is NONE; set clientAuth WANT or "
            + "NEED");
      }
      if (alpnRequired && alpn.isEmpty()) {
        throw new IllegalStateException("alpnRequired is set but no alpn protocols are configured");
      }
      if (maxHandshakes != null && maxHandshakes > maxConnections) {
        throw new IllegalStateException("maxHandshakes " + maxHandshakes + " exceeds maxConnections " + maxConnections
            + ", which it is part of; lower maxHandshakes or raise maxConnections");
      }
      if (setupTimeout != null && setupTimeout.compareTo(handshakeTimeout) < 0) {
        throw new IllegalStateException("setupTimeout " + setupTimeout.toMillis() + " ms is shorter than "
            + "handshakeTimeout " + handshakeTimeout.toMillis() + " ms, which it includes; raise setupTimeout or "
            + "lower handshakeTimeout");
      }
      if (addresses.isEmpty()) addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new TlsServer(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive and finite: " + d);
      }
      return d;
    }
  }
}
