package dev.tlskit;

import dev.tlskit.internal.io.KeyExchangeSniffer;
import dev.tlskit.internal.net.Dialer;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.tls.ClientCertificateAlerts;
import dev.tlskit.internal.tls.HandshakeFailures;
import dev.tlskit.internal.tls.PolicyKeyManager;
import dev.tlskit.internal.tls.ProviderHook;
import dev.tlskit.internal.tls.SecurityInfos;
import dev.tlskit.internal.trust.ChainValidator;
import dev.tlskit.internal.trust.HostnameMatcher;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Opens client connections, plaintext or implicit TLS, that can be upgraded in place. Immutable and safe to share;
 * connections made by one client share its TLS context and so its session cache (resumption).
 *
 * <p>Defaults: policy {@link TlsPolicy#MODERN} (hostname verification on, the JDK's trust anchors), connect timeout
 * 10 s per address tried, handshake timeout 15 s, read timeout 30 s, write timeout 30 s, no proxy, truncation (a
 * TLS stream ending without close_notify) reported by {@link TlsConnection#truncated()} rather than thrown, no
 * handshake listener.
 */
public final class TlsClient {
  /** How long a failed write waits for the alert that may explain it. */
  private static final Duration EXPLAIN_WAIT = Duration.ofSeconds(1);

  private static final System.Logger DANGEROUS = System.getLogger("dev.tlskit.dangerous");

  private final TlsPolicy policy;
  private final SSLContext sslContext;
  private final ReportingTrustManager trustManager; // null when the caller supplied their own SSLContext
  private final PolicyKeyManager keyManager; // idem
  private final Duration connectTimeout;
  private final Duration handshakeTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final ProxyConfig proxy;
  private final boolean failOnTruncation;
  private final boolean opportunisticTlsAllowed;
  private final Consumer<SecurityInfo> onHandshake; // null: nobody listens
  /**
   * The SNI name last made, with the exact peer name it was made from: an {@link SNIHostName} is immutable and a
   * function of that string alone (IDN conversion, IP-literal check), so a client that connects to one name again and
   * again makes it once. Only the name object is kept: the parameters are still built per connection.
   */
  private volatile SniName lastSni;

  private TlsClient(Builder b) {
    this.policy = b.policy;
    this.connectTimeout = b.connectTimeout;
    this.handshakeTimeout = b.handshakeTimeout;
    this.readTimeout = b.readTimeout;
    this.writeTimeout = b.writeTimeout;
    this.proxy = b.proxy;
    this.failOnTruncation = b.failOnTruncation;
    this.opportunisticTlsAllowed = b.opportunisticTlsAllowed;
    this.onHandshake = b.onHandshake;
    if (b.sslContext != null) {
      this.sslContext = b.sslContext;
      this.trustManager = null;
      this.keyManager = null;
    } else {
      this.keyManager = PolicyKeyManager.of(policy);
      this.sslContext = policy.sslContext(keyManager);
      this.trustManager = (ReportingTrustManager) policy.trustManager();
    }
  }

  /** Returns a builder with the secure defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this client's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.policy = policy;
    b.sslContext = trustManager == null ? sslContext : null;
    b.connectTimeout = connectTimeout;
    b.handshakeTimeout = handshakeTimeout;
    b.readTimeout = readTimeout;
    b.writeTimeout = writeTimeout;
    b.proxy = proxy;
    b.failOnTruncation = failOnTruncation;
    b.opportunisticTlsAllowed = opportunisticTlsAllowed;
    b.onHandshake = onHandshake;
    return b;
  }

  /**
   * Returns true when {@link TlsMode#OPPORTUNISTIC} was allowed through {@link Builder#dangerous()}; protocol clients
   * refuse that mode otherwise.
   */
  public boolean opportunisticTlsAllowed() {
    return opportunisticTlsAllowed;
  }

  /** Opens a plaintext connection to {@code host:port}; its certificate is later verified against {@code host}. */
  public TlsConnection connectPlain(String host, int port) throws IOException {
    return connectPlain(host, port, host);
  }

  /**
   * Opens a plaintext connection to {@code host:port} whose later TLS upgrade verifies the peer as {@code
   * peerName}.
   */
  public TlsConnection connectPlain(String host, int port, String peerName) throws IOException {
    checkPeerName(peerName);
    return new TlsConnection(dial(host, port), peerName, new Upgrader(port), this);
  }

  /** Opens an implicit-TLS connection to {@code host:port}, verifying the peer as {@code host}. */
  public TlsConnection connectTls(String host, int port) throws IOException {
    return connectTls(host, port, host);
  }

  /** Opens an implicit-TLS connection to {@code host:port}, verifying the peer as {@code peerName}. */
  public TlsConnection connectTls(String host, int port, String peerName) throws IOException {
    checkPeerName(peerName);
    return secure(dial(host, port), peerName);
  }

  /**
   * Runs a TLS handshake over a TCP socket the caller connected (for example an FTP data connection) and returns
   * the TLS connection, verifying the peer as {@code peerName}. The socket is closed when the handshake fails.
   */
  public TlsConnection secure(Socket connected, String peerName) throws IOException {
    return secure(connected, peerName, connected.getPort());
  }

  /**
   * Like {@link #secure(Socket, String)}, but looks up a session to resume as if connecting to {@code
   * peerName:sessionPort}: the JDK keys its client session cache by host and port, so an FTPS data connection passing
   * the control connection's port offers the control session for resumption (TLS 1.3 tickets with the JDK provider;
   * see {@link SecurityInfo#resumed()} for whether it happened). The TLS session then reports {@code sessionPort} as
   * its peer port; {@link TlsConnection#remoteAddress()} still tells the real one.
   */
  public TlsConnection secure(Socket connected, String peerName, int sessionPort) throws IOException {
    checkPeerName(peerName);
    TransportSocket plain = connected instanceof TransportSocket t ? t : new TransportSocket(connected, writeTimeout);
    if (sessionPort != connected.getPort()) plain.reportPort(sessionPort);
    Upgrader up = new Upgrader(sessionPort);
    try {
      return new TlsConnection(up.handshake(plain, peerName), peerName, up, this, plain);
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  private Socket dial(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    return new TransportSocket(Dialer.connect(host, port, proxy, connectTimeout, readTimeout,
        ProviderHook.wantsChannel(policy)), writeTimeout);
  }

  /** Returns the policy connections follow. */
  public TlsPolicy policy() {
    return policy;
  }

  /**
   * Returns the TLS context every connection of this client uses: its session cache is what resumption (for
   * example of an FTPS control session on a data connection) draws on.
   */
  public SSLContext sslContext() {
    return sslContext;
  }

  /**
   * Returns the parameters this client sets on a TLS socket or engine for {@code peerName}: the policy's protocols,
   * suites, groups, schemes and ALPN, and SNI unless {@code peerName} is an IP literal.
   */
  public SSLParameters sslParameters(String peerName) {
    return configure(sslContext.getDefaultSSLParameters(), peerName);
  }

  /**
   * Sets this client's parameters for {@code peerName} on {@code params} (the context's defaults, or a new socket's
   * own, which are the same without the throwaway socket the JDK makes to read the defaults) and returns them.
   */
  private SSLParameters configure(SSLParameters params, String peerName) {
    policy.applyTo(params);
    // With TlsKit's trust manager, names are checked by its own RFC 9525 matcher; a caller-supplied context gets the
    // JDK's HTTPS identification so that hostname verification is never off.
    if (trustManager == null) params.setEndpointIdentificationAlgorithm("HTTPS");
    SNIHostName sni = sniFor(peerName);
    params.setServerNames(sni == null ? List.of() : List.of(sni));
    return params;
  }

  /**
   * Returns this client's parameters for a new, not yet connected TLS socket to {@code peerName}, to set on it. For the
   * JDK's provider they start from an empty {@link SSLParameters}: the JDK keeps a socket's default for every field
   * left unset (null), so the socket ends exactly as if its own parameters had been read, changed and written back,
   * without copying out every default list first (1-4 µs and 0.8 KB of the client's CPU and allocation per
   * connection; docs/bench/notes-i18-client.md). The fields an empty {@code SSLParameters} does set are set to the
   * socket's defaults: no client authentication (a client), no retransmissions (TLS, not DTLS), and the maximum
   * packet size every JDK TLS socket of this JVM starts with (its record layer's, read from the first socket); what
   * the policy sets is set either way. Other providers' sockets start from their own parameters.
   */
  SSLParameters parametersFor(SSLSocket ssl, String peerName) {
    if (!ProviderHook.isJdkSocket(ssl)) {
      return configure(ssl.getSSLParameters(), peerName);
    }
    int packetSize = jdkPacketSize;
    if (packetSize == 0) jdkPacketSize = packetSize = ssl.getSSLParameters().getMaximumPacketSize();
    SSLParameters params = new SSLParameters();
    params.setEnableRetransmissions(false);
    params.setMaximumPacketSize(packetSize);
    return configure(params, peerName);
  }

  /** The maximum packet size a JDK TLS socket starts with (its record layer's: one value per JVM); 0 until read. */
  private static volatile int jdkPacketSize;

  /** Returns the connect timeout (per address tried). */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Returns the handshake timeout. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** Returns the read timeout. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** Returns the write timeout. */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /** Returns the proxy, or null. */
  public ProxyConfig proxy() {
    return proxy;
  }

  boolean failOnTruncation() {
    return failOnTruncation;
  }

  /**
   * Refuses a peer name that cannot be verified: empty, blank, or holding whitespace or control characters. Without
   * this an empty name silently verified nothing useful and sent no SNI.
   *
   * @throws IllegalArgumentException naming the bad value, before anything is dialled
   */
  static void checkPeerName(String peerName) {
    Objects.requireNonNull(peerName, "peerName");
    if (peerName.isBlank()) {
      throw new IllegalArgumentException("peer name must not be empty: it is the name the server's certificate is"
          + " verified against (the host name, or the address dialled)");
    }
    for (int i = 0; i < peerName.length(); i++) {
      char c = peerName.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException("peer name must not contain whitespace or control characters: \""
            + peerName.replaceAll("\\p{Cntrl}", "?") + "\"");
      }
    }
  }

  /** An SNI name and the exact peer name it was made from; {@code sni} null when none is sent for that name. */
  private record SniName(String peerName, SNIHostName sni) {}

  /** Returns the SNI name for {@code peerName} (null: none is sent), made once for the name last connected to. */
  SNIHostName sniFor(String peerName) {
    SniName last = lastSni;
    if (last != null && last.peerName().equals(peerName)) return last.sni();
    SNIHostName sni = sniName(peerName);
    lastSni = new SniName(peerName, sni);
    return sni;
  }

  private static SNIHostName sniName(String peerName) {
    if (HostnameMatcher.isIpLiteral(peerName)) return null;
    String n = peerName.endsWith(".") ? peerName.substring(0, peerName.length() - 1) : peerName;
    try {
      return new SNIHostName(n);
    } catch (IllegalArgumentException e) {
      return null; // not a valid SNI name: sent without SNI, still verified against the certificate
    }
  }

  private final class Upgrader implements TlsConnection.Upgrader {
    private final int sessionPort;
    private KeyExchangeSniffer flight; // the server's first flight of the last handshake
    private boolean sniSent;
    private boolean certificateRequested; // in the last handshake: looked up once, in the key manager's weak map

    Upgrader(int sessionPort) {
      this.sessionPort = sessionPort;
    }

    @Override
    public SSLSocket handshake(Socket plain, String peerName) throws IOException {
      SSLSocket ssl = (SSLSocket) sslContext.getSocketFactory()
          .createSocket(plain, peerName, sessionPort, true);
      SSLParameters params = parametersFor(ssl, peerName);
      sniSent = !params.getServerNames().isEmpty();
      ssl.setSSLParameters(params);
      ProviderHook.configure(policy, ssl);
      ssl.setSoTimeout(Math.toIntExact(handshakeTimeout.toMillis()));
      // A server that refuses our certificate sends its alert and closes; our next write then fails with a reset or
      // broken pipe. Holding that failure keeps the TLS layer alive to read the alert (see explain).
      TransportSocket transport = plain instanceof TransportSocket t ? t : null;
      if (transport != null) transport.holdWriteFailures(true);
      flight = transport == null ? null : transport.watchServerFlight(true);
      try {
        ssl.startHandshake();
        ProviderHook.check(policy, ssl);
      } catch (SocketTimeoutException e) {
        SocketTimeoutException t = new SocketTimeoutException(
            "TLS handshake with " + peerName + " timed out after " + handshakeTimeout.toMillis() + " ms");
        t.initCause(e);
        throw t;
      } catch (IOException e) {
        TlsSecurityException refused = refusal(ssl, peerName, e);
        if (refused != null) throw refused;
        IOException held = transport == null ? null : transport.heldWriteFailure();
        if (held != null && ClientCertificateAlerts.received(e).isEmpty()) {
          held.addSuppressed(e);
          throw held; // the network failed under the handshake; no alert explains it
        }
        TlsSecurityException failure = handshakeFailure(ssl, peerName, e);
        if (failure != null) throw failure;
        throw e; // a network failure (reset, EOF before any TLS record), not a TLS refusal
      }
      certificateRequested = keyManager != null && keyManager.certificateRequested(ssl);
      if (transport != null) {
        IOException held = transport.heldWriteFailure();
        if (held != null) throw explain(ssl, peerName, held);
        // Only a TLS 1.3 server that asked for our certificate may still refuse it, after the handshake.
        boolean mayRefuse = certificateRequested && "TLSv1.3".equals(ssl.getSession().getProtocol());
        if (!mayRefuse) transport.holdWriteFailures(false);
      }
      ssl.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      String selected = ssl.getApplicationProtocol();
      if (selected != null && !selected.isEmpty() && !policy.alpn().contains(selected)) {
        ssl.close();
        throw new TlsSecurityException(ServerMetrics.HandshakeFailure.ALPN_MISMATCH, peerName
            + " selected ALPN protocol '" + selected + "', which we did not offer " + policy.alpn(), null, null);
      }
      return ssl;
    }

    @Override
    public TlsSecurityException refusal(SSLSocket ssl, String peerName, Throwable e) {
      if (ClientCertificateAlerts.received(e).isEmpty()) return null;
      X509Certificate presented;
      String declined = null;
      if (keyManager != null) {
        if (!keyManager.certificateRequested(ssl)) return null; // we were asked for no certificate
        presented = keyManager.presented(ssl).map(CertifiedKey::leaf).orElse(null);
        declined = keyManager.declined(ssl).orElse(null);
      } else {
        Certificate[] local = ssl.getSession().getLocalCertificates();
        presented = local == null || local.length == 0 ? null : (X509Certificate) local[0];
      }
      boolean none = presented == null && keyManager != null;
      String why = declined;
      return ClientCertificateAlerts.receivedAboutClientCertificate(e, none)
          .map(alert -> ClientCertificateAlerts.refusal(alert, peerName, presented, why, e)).orElse(null);
    }

    @Override
    public IOException explain(SSLSocket ssl, String peerName, IOException failure) {
      try {
        ssl.setSoTimeout(Math.toIntExact(Math.min(EXPLAIN_WAIT.toMillis(), readTimeout.toMillis())));
        ssl.getInputStream().read(); // the connection is lost either way; what matters is whether an alert is queued
      } catch (IOException e) {
        TlsSecurityException refused = refusal(ssl, peerName, e);
        if (refused != null) {
          refused.addSuppressed(failure);
          return refused;
        }
      }
      return failure;
    }

    /** Returns the typed security failure for a handshake error, or null when it is a plain network failure. */
    private TlsSecurityException handshakeFailure(SSLSocket ssl, String peerName, IOException e) {
      ValidationReport report = trustManager == null ? null : trustManager.takeReport(ssl);
      for (Throwable t = e; t != null && report == null; t = t.getCause()) {
        if (t instanceof ReportingTrustManager.RejectedException r) report = r.report();
      }
      if (report != null && !report.accepted()) {
        return new TlsSecurityException(ServerMetrics.HandshakeFailure.CERTIFICATE_REJECTED,
            "certificate of " + peerName + " rejected: " + report.problemSummary(), report, e);
      }
      // The JDK reports TLS failures as SSLException; other providers (BouncyCastle) with their own IOExceptions.
      boolean tls = e instanceof SSLException || e.getClass().getName().startsWith("org.bouncycastle.tls.");
      if (!tls) return null;
      String msg = String.valueOf(e.getMessage());
      ServerMetrics.HandshakeFailure why = HandshakeFailures.classify(e);
      if (why == ServerMetrics.HandshakeFailure.ALPN_MISMATCH) {
        return new TlsSecurityException(why,
            "ALPN negotiation with " + peerName + " failed (we offered " + policy.alpn() + "): " + msg, report, e);
      }
      return new TlsSecurityException(why, "TLS handshake with " + peerName + " failed: " + msg, report, e);
    }

    @Override
    public SecurityInfo describe(SSLSocket socket, String peerName) {
      SSLSession session = socket.getSession();
      ValidationReport report;
      boolean resumed = false;
      if (trustManager == null) {
        report = new ValidationReport(peerName, SecurityInfos.chain(session, true), List.of(), List.of(),
            List.of(new CertificateProblem.JudgedElsewhere(
                "the caller's SSLContext (no TlsKit report, pins, revocation or callbacks)")),
            ValidationReport.Verdict.ACCEPTED_DANGEROUSLY);
        DANGEROUS.log(System.Logger.Level.WARNING, "DANGEROUS: {0} was judged by a caller-supplied SSLContext, not"
            + " by TlsKit (TlsClient.Builder.dangerous().sslContext)", peerName);
      } else {
        report = trustManager.takeReport(socket);
        if (report == null) {
          // No certificate was judged in this handshake: the session was resumed.
          resumed = true;
          report = ReportingTrustManager.reportOf(session);
          if (report == null) {
            report = trustManager.judge(SecurityInfos.chain(session, true), peerName, ChainValidator.Purpose.SERVER);
          }
        }
      }
      SecurityInfo info = SecurityInfos.describe(socket, policy, true, new SecurityInfos.Facts(peerName,
          sniSent, resumed, certificateRequested, flight),
          report, true);
      if (onHandshake != null) onHandshake.accept(info);
      return info;
    }
  }

  static boolean isIpLiteral(String name) {
    return HostnameMatcher.isIpLiteral(name);
  }

  /** Builds a {@link TlsClient}. */
  public static final class Builder {
    private TlsPolicy policy = TlsPolicy.MODERN;
    private SSLContext sslContext;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration handshakeTimeout = Duration.ofSeconds(15);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofSeconds(30);
    private ProxyConfig proxy;
    private boolean failOnTruncation;
    private boolean opportunisticTlsAllowed;
    private Consumer<SecurityInfo> onHandshake;

    private Builder() {}

    /** Sets the security policy. Default {@link TlsPolicy#MODERN}. */
    public Builder policy(TlsPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the time allowed to establish the TCP connection, per address tried. Default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Sets the time the whole TLS handshake may take. Default 15 s. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    /** Sets the time any single read may block. Default 30 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /** Sets the time any single write may block (a peer that stops reading); the connection is then closed. 30 s. */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = positive(timeout, "writeTimeout");
      return this;
    }

    /** Sets connect, handshake, read and write timeouts at once. */
    public Builder timeout(Duration timeout) {
      return connectTimeout(timeout).handshakeTimeout(timeout).readTimeout(timeout).writeTimeout(timeout);
    }

    /** Tunnels every connection through this proxy. Default none. */
    public Builder proxy(ProxyConfig proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /**
     * Makes a TLS stream that ends without close_notify fail reads with {@link TlsSecurityException.Reason#TRUNCATED}
     * instead of ending normally. Default false (check {@link TlsConnection#truncated()}).
     */
    public Builder failOnTruncation(boolean fail) {
      this.failOnTruncation = fail;
      return this;
    }

    /**
     * Calls {@code listener} with what each completed handshake of this client negotiated (implicit TLS, upgrades,
     * {@link TlsClient#secure}), on the thread that connected, before that call returns. Default none. For logs, and
     * for reporting what was negotiated when a later step fails before the caller holds the connection (a protocol
     * client whose post-TLS greeting is refused). The listener must not throw.
     */
    public Builder onHandshake(Consumer<SecurityInfo> listener) {
      this.onHandshake = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Returns the settings that weaken what a client verifies or accepts.
     *
     * <p><b>Each of these can hand the connection, or the credentials sent over it, to whoever sits on the network
     * path. Never in production.</b>
     */
    public Dangerous dangerous() {
      return new Dangerous();
    }

    /** Settings that weaken a client. <b>Never in production.</b> Each is logged at WARNING when it lets a peer by. */
    public final class Dangerous {
      private Dangerous() {}

      /**
       * Uses this JDK TLS context instead of one built from the policy. The policy's protocols, suites and ALPN still
       * apply and the JDK checks host names, but TlsKit does not judge the chain: the report of every connection
       * carries {@link CertificateProblem.JudgedElsewhere} with the verdict {@code ACCEPTED_DANGEROUSLY}. Refused
       * next to a policy with pins, revocation, a validation callback, a dangerous acceptor or a client certificate,
       * which it would silently disable. Default: the policy's own context.
       *
       * <p><b>Dangerous: whatever the context's trust manager accepts is accepted. Never in production.</b>
       */
      public Builder sslContext(SSLContext context) {
        sslContext = Objects.requireNonNull(context, "context");
        return Builder.this;
      }

      /**
       * Allows protocol clients to use {@link TlsMode#OPPORTUNISTIC}: upgrade when the server advertises it, else go
       * on in plaintext. Default: refused.
       *
       * <p><b>Dangerous: an attacker who strips the advertisement gets a plaintext session. Never in
       * production.</b>
       */
      public Builder allowOpportunisticTls() {
        opportunisticTlsAllowed = true;
        return Builder.this;
      }
    }

    /**
     * Builds the client.
     *
     * @throws IllegalArgumentException when a caller-supplied {@code SSLContext} would silently disable a setting of
     *     the policy (naming both)
     */
    public TlsClient build() {
      if (sslContext != null) {
        List<String> lost = new ArrayList<>();
        if (!policy.pins().isEmpty()) lost.add("pins " + policy.pins());
        if (policy.revocation() != Revocation.OFF) lost.add("revocation " + policy.revocation());
        if (policy.validationCallback() != null) lost.add("a validation callback");
        if (policy.dangerousAcceptor() != null) lost.add("a dangerous acceptor");
        if (policy.clientCertificate() != null || policy.clientCertificateSelector() != null
            || !policy.clientCertificates().isEmpty()) {
          lost.add("a client certificate");
        }
        if (!lost.isEmpty()) {
          throw new IllegalArgumentException("dangerous().sslContext(...) replaces the policy's TLS context, so the"
              + " policy's " + String.join(", ", lost) + " would not apply: drop one or the other");
        }
      }
      return new TlsClient(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isZero() || d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + " must be positive and finite: " + d);
      }
      return d;
    }
  }
}
