package dev.tlskit.commonsnet;

import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.ValidationReport;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.apache.commons.net.imap.AuthenticatingIMAPClient;

/**
 * A Commons Net {@link AuthenticatingIMAPClient} (so also an {@code IMAPSClient}) that follows a {@link TlsPolicy}
 * and whose TLS is required, not a boolean to check. Swap it in with one line:
 * {@code AuthenticatingIMAPClient imap = new PolicyIMAPSClient(policy);}.
 *
 * <ul>
 *   <li>explicit TLS: {@code connect} sends {@code STARTTLS} itself and returns only over TLS; a refusal makes
 *       {@code connect} throw {@link TlsSecurityException} ({@code UPGRADE_REFUSED}) and disconnect (a {@code
 *       PREAUTH} greeting, which skips authentication before TLS, already fails Commons Net's own greeting parser);
 *       {@link #execTLS()} is then a no-op returning true;
 *   <li>implicit TLS ({@code new PolicyIMAPSClient(policy, true)}, port 993): TLS from the first byte;
 *   <li>the server is judged by the policy under the host name given to {@code connect}; a refusal fails
 *       {@code connect} with an {@code SSLHandshakeException} whose {@link ValidationReport} {@link
 *       ValidationReport#of} finds;
 *   <li>{@link #login} and {@link #auth} (and so {@code authenticate}) refuse ({@code PLAINTEXT_CREDENTIALS_REFUSED})
 *       on a connection that is not TLS.
 * </ul>
 *
 * <p>Refused, because this client would ignore them: {@code setTrustManager}, {@code setKeyManager},
 * {@code setHostnameVerifier}, {@code setEndpointCheckingEnabled}, {@code setEnabledProtocols},
 * {@code setEnabledCipherSuites} (set trust, client certificate, protocols and suites on the policy).
 */
public class PolicyIMAPSClient extends AuthenticatingIMAPClient {
  private final boolean implicit;
  private String peer = "(not connected)";

  /** Creates an explicit-TLS (STARTTLS) client following {@code policy}. */
  public PolicyIMAPSClient(TlsPolicy policy) {
    this(policy, false);
  }

  /** Creates a client following {@code policy}, with implicit TLS when {@code implicit}. */
  public PolicyIMAPSClient(TlsPolicy policy, boolean implicit) {
    super(implicit, TlsRules.context(policy));
    this.implicit = implicit;
  }

  @Override
  protected void _connectAction_() throws IOException {
    peer = TlsRules.peerName(_hostname_, getRemoteAddress());
    try {
      super._connectAction_();
      if (!implicit) {
        execTLS();
      }
    } catch (IOException | RuntimeException e) {
      disconnectQuietly();
      throw e;
    }
  }

  /** Upgrades to TLS unless already done, and returns true. */
  @Override
  public boolean execTLS() throws IOException {
    if (_socket_ instanceof SSLSocket) return true;
    if (!super.execTLS()) throw TlsRules.upgradeRefused("STARTTLS", peer(), getReplyString());
    return true;
  }

  /** Logs in, over TLS only. */
  @Override
  public boolean login(String user, String password) throws IOException {
    TlsRules.requireTls(_socket_, "LOGIN", peer());
    return super.login(user, password);
  }

  /** Authenticates, over TLS only. */
  @Override
  public boolean auth(AUTH_METHOD method, String user, String password)
      throws IOException, NoSuchAlgorithmException, InvalidKeyException, InvalidKeySpecException {
    TlsRules.requireTls(_socket_, "AUTHENTICATE " + method, peer());
    return super.auth(method, user, password);
  }

  private String peer() {
    return peer;
  }

  private void disconnectQuietly() {
    try {
      disconnect();
    } catch (IOException ignored) {
      // the failure being thrown is what matters
    }
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
    throw TlsRules.refused(getClass(), "setHostnameVerifier", "name check (always on)");
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
}
