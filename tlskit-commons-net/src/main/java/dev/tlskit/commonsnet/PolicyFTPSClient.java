package dev.tlskit.commonsnet;

import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.ValidationReport;
import dev.tlskit.internal.bc.BcJsse;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * A Commons Net {@link FTPSClient} that follows a {@link TlsPolicy} and whose protected data connections resume the
 * control connection's TLS session, as vsftpd ({@code require_ssl_reuse=YES}, the Debian default), ProFTPD and
 * FileZilla Server require. Swap it in with one line: {@code FTPSClient ftps = new PolicyFTPSClient(policy);}.
 *
 * <p>What it changes against a plain {@code FTPSClient}:
 * <ul>
 *   <li>the server is judged by the policy (chain, the host name given to {@code connect}, pins, revocation, key
 *       and signature strength; Commons Net's default trust manager checks only dates); a refusal is a
 *       {@link TlsSecurityException} whose {@link ValidationReport} {@link ValidationReport#of} finds, thrown by
 *       {@code connect} before any credential is sent;
 *   <li>data connections after {@code execPROT("P")} are plain TCP sockets that this class secures, verifying the
 *       server under the control connection's name and offering the control session for resumption: with the JDK on
 *       TLS 1.3 (session tickets); on TLS 1.2, where the JDK cannot resume sessions of OpenSSL-based servers, the
 *       client reconnects once, before any credential, with BouncyCastle JSSE limited to TLS 1.2 (a policy allowing
 *       only TLS 1.2 uses BouncyCastle from the start; a policy with its own provider always uses that provider);
 *   <li>every data connection is checked: {@link #lastDataSecurity()} tells whether it resumed; one that did not must
 *       present the control connection's very certificate, else the transfer fails with {@link TlsSecurityException}
 *       ({@code CERTIFICATE_REJECTED}); with {@link #setRequireSessionReuse(boolean)} a non-resumed data connection
 *       fails too (default off: servers that never resume, such as pure-ftpd on TLS 1.3, stay usable);
 *   <li>bytes the server sent ahead of the TLS handshake after {@code AUTH TLS} fail {@code connect}
 *       ({@code INJECTION_DETECTED}).
 * </ul>
 *
 * <p>Refused, because this client would silently ignore them: {@code setTrustManager}, {@code setKeyManager},
 * {@code setHostnameVerifier}, {@code setEndpointCheckingEnabled}, {@code setEnabledProtocols},
 * {@code setEnabledCipherSuites}, {@code setUseClientMode(false)} (set these on the policy: trust, client certificate,
 * protocols, suites), {@code PROT S} and {@code PROT E}, and {@code CCC} (it would drop TLS from the control
 * connection). {@code PROT C} stays possible when asked for.
 */
public class PolicyFTPSClient extends FTPSClient {
  private final TlsPolicy policy;
  private String peerNameOverride;
  private boolean requireSessionReuse;

  // per connection
  private TlsClient tls;
  private TlsConnection control;
  private String peerName;
  private boolean bouncyCastle;
  private boolean reconnecting;
  private boolean dataProtected;
  private volatile SecurityInfo lastDataSecurity;

  /** Creates an explicit-TLS client ({@code AUTH TLS}, port 21) following {@code policy}. */
  public PolicyFTPSClient(TlsPolicy policy) {
    this(policy, false);
  }

  /** Creates a client following {@code policy}, with implicit TLS (port 990) when {@code implicit}. */
  public PolicyFTPSClient(TlsPolicy policy, boolean implicit) {
    // The context is unused for connections (this class makes them); FTPSClient's PROT handling wants one.
    super(implicit, Objects.requireNonNull(policy, "policy").sslContext());
    this.policy = policy;
  }

  /** Returns the policy this client follows. */
  public TlsPolicy policy() {
    return policy;
  }

  /**
   * Verifies the server as {@code name} instead of the host name given to {@code connect} (or the address, when
   * {@code connect} was given an {@code InetAddress}). Default null: the host name.
   */
  public void setPeerName(String name) {
    this.peerNameOverride = name;
  }

  /**
   * When true, a protected data connection that did not resume the control session fails with
   * {@link TlsSecurityException} after its handshake, before any data moves. Default false.
   */
  public void setRequireSessionReuse(boolean require) {
    this.requireSessionReuse = require;
  }

  /** Returns the control connection's TLS facts, or null before {@code connect}. */
  public SecurityInfo controlSecurity() {
    TlsConnection c = control;
    return c == null ? null : c.securityInfo();
  }

  /**
   * Returns the TLS facts of the latest protected data connection, or null when none was opened; its
   * {@link SecurityInfo#resumed()} tells whether it resumed the control session.
   */
  public SecurityInfo lastDataSecurity() {
    return lastDataSecurity;
  }

  @Override
  protected void _connectAction_() throws IOException {
    if (reconnecting) {
      super._connectAction_();
      return;
    }
    peerName = peerNameOverride != null ? peerNameOverride : TlsRules.peerName(_hostname_, getRemoteAddress());
    bouncyCastle = policy.provider() == null && policy.protocols().equals(List.of("TLSv1.2"));
    dataProtected = false;
    lastDataSecurity = null;
    try {
      super._connectAction_();
      if (wantsBouncyCastle()) reconnectWithBouncyCastle();
    } catch (IOException | RuntimeException e) {
      closeQuietly(); // FTPSClient leaves a failed connection looking connected; nothing may be sent on it
      throw e;
    }
  }

  /**
   * The JDK cannot resume this server's TLS 1.2 sessions on data connections (docs/ftps-session-reuse.md): starts
   * over, before any credential, with BouncyCastle JSSE.
   */
  private void reconnectWithBouncyCastle() throws IOException {
    InetSocketAddress remote = (InetSocketAddress) _socket_.getRemoteSocketAddress();
    String hostname = _hostname_;
    disconnect();
    reconnecting = true;
    bouncyCastle = true;
    try {
      connect(remote.getAddress(), remote.getPort());
    } finally {
      reconnecting = false;
      _hostname_ = hostname;
    }
  }

  private void closeQuietly() {
    try {
      disconnect();
    } catch (IOException ignored) {
      // the failure being thrown is what matters
    }
  }

  private boolean wantsBouncyCastle() {
    return !bouncyCastle && policy.provider() == null && control != null
        && "TLSv1.2".equals(control.securityInfo().protocol())
        && !"false".equalsIgnoreCase(System.getProperty("jdk.tls.client.enableSessionTicketExtension"));
  }

  @Override
  protected void sslNegotiation() throws IOException {
    if (!isImplicit() && _controlInput_ != null && _controlInput_.ready()) {
      throw new TlsSecurityException(TlsSecurityException.Reason.INJECTION_DETECTED, peerName
          + " sent bytes after its AUTH TLS reply and before the TLS handshake; refusing them");
    }
    TlsPolicy p = bouncyCastle
        ? policy.toBuilder().provider(BcJsse.provider()).protocols("TLSv1.2").build() : policy;
    // One client, and so one session cache, per connection: data connections can resume only this login's session.
    tls = TlsClient.builder().policy(p).build();
    int soTimeout = _socket_.getSoTimeout();
    control = tls.secure(_socket_, peerName);
    _socket_ = control.socket();
    _socket_.setSoTimeout(soTimeout);
    _controlInput_ = new BufferedReader(new InputStreamReader(control.input(), getControlEncoding()));
    _controlOutput_ = new BufferedWriter(new OutputStreamWriter(control.output(), getControlEncoding()));
  }

  @Override
  public void execPROT(String prot) throws IOException {
    String level = prot == null ? "C" : prot;
    if (!level.equals("C") && !level.equals("P")) {
      throw new IllegalArgumentException("PROT " + level + " is not supported: use P (TLS) or C (cleartext)");
    }
    super.execPROT(level);
    dataProtected = level.equals("P");
    // Data connections are opened as plain TCP and secured by _openDataConnection_, which resumes the control session.
    setSocketFactory(null);
    setServerSocketFactory(null);
  }

  @Override
  protected Socket _openDataConnection_(String command, String arg) throws IOException {
    Socket plain = super._openDataConnection_(command, arg);
    if (plain == null || !dataProtected) return plain;
    int soTimeout = plain.getSoTimeout();
    // Offer the session cached for the control connection's host and port (TlsClient.secure's sessionPort).
    TlsConnection data = tls.secure(plain, peerName, getRemotePort());
    SecurityInfo info = data.securityInfo();
    lastDataSecurity = info;
    if (!info.resumed()) {
      SecurityInfo ctl = control.securityInfo();
      if (info.peerChain().isEmpty() || ctl.peerChain().isEmpty()
          || !info.peerChain().get(0).equals(ctl.peerChain().get(0))) {
        data.close();
        throw new TlsSecurityException(TlsSecurityException.Reason.CERTIFICATE_REJECTED, "the data connection for "
            + command + " presented another certificate than the control connection to " + peerName);
      }
      if (requireSessionReuse) {
        data.close();
        throw new TlsSecurityException(TlsSecurityException.Reason.HANDSHAKE_FAILED, "the data connection for "
            + command + " did not resume the control connection's TLS session with " + peerName
            + " (setRequireSessionReuse(true))");
      }
    }
    data.socket().setSoTimeout(soTimeout);
    return new DataSocket(data);
  }

  @Override
  public int execCCC() {
    throw new UnsupportedOperationException("CCC would drop TLS from the control connection; PolicyFTPSClient"
        + " keeps it for the whole session");
  }

  @Override
  public TrustManager getTrustManager() {
    return policy.trustManager();
  }

  @Override
  public void setTrustManager(TrustManager trustManager) {
    throw TlsRules.refused(getClass(), "setTrustManager", "trust (TlsPolicy.Builder.trust, pin, revocation)");
  }

  @Override
  public void setKeyManager(KeyManager keyManager) {
    throw TlsRules.refused(getClass(), "setKeyManager", "clientCertificate or clientCertificateSelector");
  }

  @Override
  public void setHostnameVerifier(HostnameVerifier verifier) {
    throw TlsRules.refused(getClass(), "setHostnameVerifier",
        "name check (always on; setPeerName verifies another name)");
  }

  @Override
  public void setEndpointCheckingEnabled(boolean enable) {
    throw TlsRules.refused(getClass(), "setEndpointCheckingEnabled", "name check (always on)");
  }

  @Override
  public void setEnabledProtocols(String[] protocolVersions) {
    throw TlsRules.refused(getClass(), "setEnabledProtocols", "protocols");
  }

  @Override
  public void setEnabledCipherSuites(String[] cipherSuites) {
    throw TlsRules.refused(getClass(), "setEnabledCipherSuites", "cipherSuites");
  }

  @Override
  public void setUseClientMode(boolean clientMode) {
    if (!clientMode) {
      throw new IllegalArgumentException("setUseClientMode(false) is not honoured by " + getClass().getSimpleName()
          + ": it is always the TLS client");
    }
  }
}
