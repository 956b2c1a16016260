package dev.tlskit.ftp;

import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens FTP and FTPS sessions (RFC 959, 2228, 4217). Immutable and safe to share.
 *
 * <p>Defaults: {@link TlsMode#AUTO} (implicit TLS on port 990, required {@code AUTH TLS} elsewhere), protected data
 * connections ({@code PROT P}) that try to resume the control connection's TLS session (used without resumption when
 * the server does not resume, verified as the control connection's server either way), passive mode (EPSV, then
 * PASV), {@link TlsPolicy#MODERN} (the JDK's trust anchors, hostname verification), connect timeout 10 s, read
 * timeout 30 s, {@link DataTlsProvider#AUTO}.
 */
public final class FtpClient {
  /** The implicit FTPS port (RFC 4217 section 15, historic but common). */
  public static final int IMPLICIT_PORT = 990;

  final TlsMode tlsMode;
  final TlsPolicy policy;
  final Duration connectTimeout;
  final Duration readTimeout;
  final DataConnectionMode dataMode;
  final boolean protectData;
  final boolean requireSessionReuse;
  final DataTlsProvider dataTlsProvider;

  private FtpClient(Builder b) {
    this.tlsMode = b.tlsMode;
    this.policy = b.policy;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.dataMode = b.dataMode;
    this.protectData = b.protectData;
    this.requireSessionReuse = b.requireSessionReuse;
    this.dataTlsProvider = b.dataTlsProvider;
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
    TlsMode mode = tlsMode.resolve(port, IMPLICIT_PORT);
    boolean bc = dataTlsProvider == DataTlsProvider.BOUNCY_CASTLE;
    FtpSession s = FtpSession.open(this, host, port, peerName, mode, bc, false);
    if (!bc && dataTlsProvider == DataTlsProvider.AUTO && s.wantsBouncyCastleForData()) {
      // The server speaks TLS 1.2 at most (the JDK would have detected a downgrade from 1.3), and the JDK cannot
      // resume its 1.2 sessions on data connections when tickets are on. Nothing secret was sent yet: reconnect.
      s.abandon();
      s = FtpSession.open(this, host, port, peerName, mode, true, true);
    }
    return s;
  }

  /** Builds an {@link FtpClient}. */
  public static final class Builder {
    private TlsMode tlsMode = TlsMode.AUTO;
    private TlsPolicy policy = TlsPolicy.MODERN;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private DataConnectionMode dataMode = DataConnectionMode.PASSIVE;
    private boolean protectData = true;
    private boolean requireSessionReuse = false;
    private DataTlsProvider dataTlsProvider = DataTlsProvider.AUTO;

    private Builder() {}

    /** Sets how the control connection is secured. Default {@link TlsMode#AUTO}. */
    public Builder tlsMode(TlsMode mode) {
      this.tlsMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the TLS policy (versions, suites, trust, pins, client certificate) of control and data connections.
     * Default {@link TlsPolicy#MODERN}. Its provider is replaced by BouncyCastle JSSE when {@link DataTlsProvider}
     * calls for it.
     */
    public Builder policy(TlsPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the time allowed to establish each TCP connection, control and data. Default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Sets the time any single read (a reply, a data block, an active-mode accept) may block. Default 30 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /** Sets who opens data connections. Default {@link DataConnectionMode#PASSIVE}. */
    public Builder dataConnectionMode(DataConnectionMode mode) {
      this.dataMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * <b>Insecure:</b> asks for clear data connections ({@code PROT C}) on a TLS control connection. File contents
     * and listings then cross the network readable and alterable by anyone on the path. Default: protected.
     */
    public Builder clearDataConnections() {
      this.protectData = false;
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

    /** Builds the client. */
    public FtpClient build() {
      return new FtpClient(this);
    }

    private static Duration positive(Duration d, String name) {
      // the bound is the socket timeout's: milliseconds in an int (TlsClient checks the same)
      if (d == null || d.isZero() || d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + " must be positive and finite: " + d);
      }
      return d;
    }
  }
}
