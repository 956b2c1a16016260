package dev.tlskit.ftp;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.internal.bc.BcJsse;
import dev.tlskit.internal.starttls.Starttls;
import java.io.IOException;
import java.util.Objects;

/**
 * Opens FTP and FTPS sessions (RFC 959, 2228, 4217). Immutable and safe to share.
 *
 * <p>Every TLS and network setting comes from one {@link TlsClient} ({@link Builder#client}): policy, proxy,
 * connect, handshake, read and write timeouts, the handshake listener and what its {@code dangerous()} allowed apply
 * to the control connection and to every data connection. Each session runs on a copy of that client with a TLS
 * context of its own, so that its session cache holds only its own control connection's sessions and no data
 * connection can resume the session of another login.
 *
 * <p>Defaults: {@code TlsClient.builder().build()} (policy {@link TlsPolicy#MODERN}, connect timeout 10 s, handshake
 * 15 s, read 30 s, write 30 s, no proxy), {@link TlsMode#AUTO} (implicit TLS on port 990, required {@code AUTH TLS}
 * on 21, and on other ports as the server behaves: see {@link TlsMode#AUTO}), protected data connections ({@code
 * PROT P}) that try to resume the control connection's TLS session (used without resumption when the server does not
 * resume, verified as the control connection's server either way), passive mode (EPSV, then PASV), {@link DataTlsProvider#AUTO}, no control
 * keep-alive during transfers.
 */
public final class FtpClient {
  /** The implicit FTPS port (RFC 4217 section 15, historic but common). */
  public static final int IMPLICIT_PORT = 990;

  final TlsClient tls;
  final TlsMode tlsMode;
  final DataConnectionMode dataMode;
  final boolean protectData;
  final boolean requireSessionReuse;
  final DataTlsProvider dataTlsProvider;
  final java.time.Duration controlKeepAlive;
  final boolean allowClearCommandChannel;

  private FtpClient(Builder b, TlsClient tls) {
    this.tls = tls;
    this.tlsMode = b.tlsMode;
    this.dataMode = b.dataMode;
    this.protectData = b.protectData;
    this.requireSessionReuse = b.requireSessionReuse;
    this.dataTlsProvider = b.dataTlsProvider;
    this.controlKeepAlive = b.controlKeepAlive;
    this.allowClearCommandChannel = b.allowClearCommandChannel;
  }

  /** Returns a builder with the secure defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Connects to {@code host:port}, verifying the server as {@code host}, and reads the greeting (TLS done). */
  public FtpSession connect(String host, int port) throws IOException {
    return connect(host, port, host);
  }

  /**
   * Connects to {@code host:port}, negotiates TLS as the mode asks, and verifies the server as {@code peerName}
   * (also sent as SNI and used for every data connection, whatever address PASV announces). Credentials are sent
   * later, by {@link FtpSession#login}.
   */
  public FtpSession connect(String host, int port, String peerName) throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(peerName, "peerName");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    boolean bc = dataTlsProvider == DataTlsProvider.BOUNCY_CASTLE;
    FtpSession s = FtpSession.open(this, sessionClient(bc, false), host, port, peerName, tlsMode, null);
    if (!bc && dataTlsProvider == DataTlsProvider.AUTO && s.wantsBouncyCastleForData()) {
      // The server speaks TLS 1.2 at most (the JDK would have detected a downgrade from 1.3), and the JDK cannot
      // resume its 1.2 sessions on data connections when tickets are on. Nothing secret was sent yet: reconnect.
      s.abandon();
      s = FtpSession.open(this, sessionClient(true, true), host, port, peerName, tlsMode, s.tlsModeDecision());
    }
    return s;
  }

  /**
   * Returns a copy of the TLS client with a TLS context of its own (so a session cache of its own), on BouncyCastle
   * JSSE when {@code bouncyCastle}, limited to TLS 1.2 when {@code tls12Only} (the reconnect after the JDK found a
   * TLS 1.2 server). A context the caller supplied through {@code dangerous().sslContext} cannot be copied: every
   * session then shares it, and its provider.
   */
  private TlsClient sessionClient(boolean bouncyCastle, boolean tls12Only) {
    TlsClient.Builder b = tls.toBuilder();
    if (bouncyCastle) {
      TlsPolicy.Builder p = tls.policy().toBuilder();
      if (!(tls.policy().provider() instanceof BcJsse)) p.provider(BcJsse.provider()); // PostQuantum's kept
      if (tls12Only) p.protocols("TLSv1.2");
      b.policy(p.build());
    }
    TlsClient c = b.build();
    if (bouncyCastle && c.sslContext() == tls.sslContext()) {
      throw new IllegalArgumentException("DataTlsProvider.BOUNCY_CASTLE needs a TLS context built from the policy,"
          + " but the TlsClient brings its own (dangerous().sslContext): drop one or the other");
    }
    return c;
  }

  /** Builds an {@link FtpClient}. */
  public static final class Builder {
    private TlsClient tls;
    private TlsMode tlsMode = TlsMode.AUTO;
    private DataConnectionMode dataMode = DataConnectionMode.PASSIVE;
    private boolean protectData = true;
    private boolean requireSessionReuse = false;
    private DataTlsProvider dataTlsProvider = DataTlsProvider.AUTO;
    private java.time.Duration controlKeepAlive = java.time.Duration.ZERO;
    private boolean allowClearCommandChannel;

    private Builder() {}

    /**
     * Sends {@code NOOP} on the control connection whenever {@code interval} has passed during a transfer, so that a
     * firewall or NAT that drops idle connections keeps the control connection of a long transfer (as Commons Net's
     * {@code setControlKeepAliveTimeout}). The replies are read with the transfer's own, before or after it, as the
     * server sends them. Default {@link java.time.Duration#ZERO}: off, since a few servers handle commands during a
     * transfer badly.
     */
    public Builder controlKeepAlive(java.time.Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) throw new IllegalArgumentException("controlKeepAlive must not be negative: " + interval);
      this.controlKeepAlive = interval;
      return this;
    }

    /**
     * Sets the TLS client whose settings (policy, proxy, timeouts, handshake listener, dangerous settings) apply to
     * control and data connections. Default {@code TlsClient.builder().build()}. Its policy's provider is replaced by
     * BouncyCastle JSSE when {@link DataTlsProvider} calls for it.
     */
    public Builder client(TlsClient client) {
      this.tls = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets how the control connection is secured. Default {@link TlsMode#AUTO}. {@link TlsMode#OPPORTUNISTIC} needs
     * a client built with {@code TlsClient.builder().dangerous().allowOpportunisticTls()}.
     */
    public Builder tlsMode(TlsMode mode) {
      this.tlsMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets who opens data connections. Default {@link DataConnectionMode#PASSIVE}. {@link DataConnectionMode#ACTIVE}
     * cannot be combined with a proxy: the server would connect back to us around it.
     */
    public Builder dataConnectionMode(DataConnectionMode mode) {
      this.dataMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets whether a protected data connection that did not resume the control session is an error on the client's
     * side (true) or only reported in {@link DataProtection#sessionResumed()} (false). Default false: resumption is
     * what some servers require (RFC 4217 section 10.2), and those refuse such a data connection themselves ({@link
     * SessionReuseRequiredException}); others (pure-ftpd, which issues no TLS 1.3 tickets) never resume, and a data
     * connection that did not resume is still verified as a TLS connection to the control connection's server (its
     * certificate is validated for the same name and must be the control connection's). When true, the check runs
     * after the server accepted the transfer command: a refused upload ({@code STOR}) may already have truncated the
     * remote file, so combine it with {@link FtpSession#uploadAtomically}.
     */
    public Builder requireSessionReuse(boolean require) {
      this.requireSessionReuse = require;
      return this;
    }

    /** Chooses the TLS implementation; see {@link DataTlsProvider}. Default {@link DataTlsProvider#AUTO}. */
    public Builder dataTlsProvider(DataTlsProvider provider) {
      this.dataTlsProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Returns the settings that weaken what an FTP session protects. The TLS client's own ({@link
     * TlsClient.Builder#dangerous()}) apply as well.
     *
     * <p><b>Each of these hands file contents or listings to whoever sits on the network path. Never in
     * production.</b>
     */
    public Dangerous dangerous() {
      return new Dangerous();
    }

    /** Settings that weaken an FTP session. <b>Never in production.</b> Each is logged at WARNING when used. */
    public final class Dangerous {
      private Dangerous() {}

      /**
       * Asks for clear data connections ({@code PROT C}) on a TLS control connection. Every session that logs in
       * this way logs a WARNING on {@code dev.tlskit.dangerous}, and every transfer reports {@link
       * DataProtection#CLEAR}. Default: protected ({@code PROT P}).
       *
       * <p><b>Dangerous: file contents and listings cross the network readable and alterable by anyone on the path.
       * Never in production.</b>
       */
      public Builder clearDataConnections() {
        protectData = false;
        return Builder.this;
      }

      /**
       * Allows {@link FtpSession#clearCommandChannel()} ({@code CCC}, RFC 4217 section 12.3): after login, the
       * control connection goes back to plaintext so that a NAT or firewall can read the PASV/PORT replies and open
       * the data ports. Data connections stay protected ({@code PROT P}). Default: refused.
       *
       * <p><b>Dangerous: every later command and reply travels in clear: file and directory names, the server's
       * answers, PASV/EPSV addresses (an attacker on the path can redirect a data connection; the data connection's
       * certificate check still catches a different server) and anything injected into the stream, which the client
       * can no longer tell from the server's. The password was sent under TLS before, and is not exposed. Never in
       * production unless the network path is trusted.</b>
       */
      public Builder allowClearCommandChannel() {
        allowClearCommandChannel = true;
        return Builder.this;
      }
    }

    /**
     * Builds the client.
     *
     * @throws IllegalArgumentException for {@link TlsMode#OPPORTUNISTIC} without the client's {@code
     *     dangerous().allowOpportunisticTls()}, and for active data connections through a proxy
     */
    public FtpClient build() {
      TlsClient client = tls != null ? tls : TlsClient.builder().build();
      Starttls.requireModeAllowed(client, tlsMode); // the one rule the mail clients follow too
      if (dataMode == DataConnectionMode.ACTIVE && client.proxy() != null) {
        throw new IllegalArgumentException("DataConnectionMode.ACTIVE cannot pass through the proxy " + client.proxy()
            + " (the server would connect back to us around it): use DataConnectionMode.PASSIVE, or no proxy");
      }
      return new FtpClient(this, client);
    }
  }
}
