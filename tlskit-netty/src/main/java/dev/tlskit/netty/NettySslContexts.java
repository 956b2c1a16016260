package dev.tlskit.netty;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.ValidationReport;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Builds Netty {@link SslContext}s that follow a {@link TlsPolicy}, for {@code SslHandler}s on both sides.
 *
 * <p>What a context from here does on every connection:
 * <ul>
 *   <li>trust: the policy's trust manager judges the peer's chain during the handshake (anchors, pins, revocation,
 *       key and signature strength, the validation callback; on the client also the server's name); a refusal fails
 *       the handler's handshake future with an {@code SSLHandshakeException} whose {@link ValidationReport} {@link
 *       ValidationReport#of} finds;
 *   <li>host name (client): checked against the host given to {@code newHandler(alloc, host, port)}, which is also
 *       sent as SNI; endpoint identification ("HTTPS") is set on every engine. A handler made without a host is
 *       refused ({@code IllegalArgumentException}) unless the policy dangerously skips hostname verification: Netty
 *       would otherwise check no name at all;
 *   <li>versions, cipher suites, key-exchange groups and signature schemes: exactly the policy's, set on every engine;
 *   <li>client certificate: the policy's fixed certificate or selector (client); requested per {@link
 *       TlsServer.ClientAuth} and judged with the policy's trust (server);
 *   <li>ALPN: the policy's list (none when empty); a peer with no protocol in common gets none selected.
 * </ul>
 *
 * <p>The engine is always the JDK's ({@code SSLEngine} of the policy's JSSE provider), never Netty's OpenSSL one:
 * OpenSSL takes neither the policy's provider nor its signature schemes through {@code SSLParameters}, so it would
 * run weaker than the policy says.
 */
public final class NettySslContexts {
  private NettySslContexts() {}

  /** Returns a client context following {@code policy}; make handlers with {@code newHandler(alloc, host, port)}. */
  public static SslContext forClient(TlsPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return new PolicySslContext(jdk(policy, policy.sslContext(), true, ClientAuth.NONE), policy, true);
  }

  /** Returns a server context presenting {@code key} and asking for no client certificate. */
  public static SslContext forServer(TlsPolicy policy, CertifiedKey key) {
    return forServer(policy, ServerCertificates.of(key), TlsServer.ClientAuth.NONE);
  }

  /**
   * Returns a server context presenting {@code certificates} (chosen by SNI, following {@link
   * ServerCertificates#reload()}) and asking for client certificates as {@code clientAuth} says; a client certificate
   * is judged with the policy's trust, without a name.
   *
   * @throws IllegalArgumentException when {@code clientAuth} is WANT or NEED and the policy trusts the system roots,
   *     which would admit any publicly issued certificate
   */
  public static SslContext forServer(TlsPolicy policy, ServerCertificates certificates,
      TlsServer.ClientAuth clientAuth) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(certificates, "certificates");
    Objects.requireNonNull(clientAuth, "clientAuth");
    if (clientAuth != TlsServer.ClientAuth.NONE && policy.trust().isSystem()) {
      throw new IllegalArgumentException("clientAuth " + clientAuth + " with the policy's system trust would admit any"
          + " publicly issued certificate; give the policy your client CAs (TlsPolicy.Builder.trust)");
    }
    SSLContext context;
    try {
      context = policy.provider() == null ? SSLContext.getInstance("TLS")
          : SSLContext.getInstance("TLS", policy.provider());
      context.init(new KeyManager[] {certificates.keyManager()}, new TrustManager[] {policy.trustManager()}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context"
          + (policy.provider() == null ? "" : " with provider " + policy.provider().getName()) + ": " + e.getMessage(),
          e);
    }
    ClientAuth netty = switch (clientAuth) {
      case NONE -> ClientAuth.NONE;
      case WANT -> ClientAuth.OPTIONAL;
      case NEED -> ClientAuth.REQUIRE;
    };
    return new PolicySslContext(jdk(policy, context, false, netty), policy, false);
  }

  private static JdkSslContext jdk(TlsPolicy policy, SSLContext context, boolean client, ClientAuth clientAuth) {
    return new JdkSslContext(context, client, policy.cipherSuites(), IdentityCipherSuiteFilter.INSTANCE,
        alpn(policy.alpn()), clientAuth, policy.protocols().toArray(String[]::new), false);
  }

  private static ApplicationProtocolConfig alpn(List<String> protocols) {
    if (protocols.isEmpty()) return ApplicationProtocolConfig.DISABLED;
    // the only failure behaviours Netty's JDK engine supports: no protocol in common means none selected
    return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols);
  }
}
