package dev.tlskit.netty;

import dev.tlskit.TlsPolicy;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Sets a policy's groups, signature schemes, versions and suites on every engine Netty makes, and on the client
 * endpoint identification, refusing an engine that has no peer host to check.
 */
final class PolicySslContext extends DelegatingSslContext {
  private final TlsPolicy policy;
  private final boolean client;

  PolicySslContext(SslContext delegate, TlsPolicy policy, boolean client) {
    super(delegate);
    this.policy = policy;
    this.client = client;
  }

  @Override
  protected void initEngine(SSLEngine engine) {
    boolean checkName = client && !policy.dangerousSkipHostnameVerification();
    if (checkName && engine.getPeerHost() == null) {
      throw new IllegalArgumentException("a TlsKit client SslContext checks the server's name, and this engine has"
          + " none: create the handler with newHandler(alloc, host, port)");
    }
    SSLParameters p = engine.getSSLParameters();
    String[] alpn = p.getApplicationProtocols(); // Netty's, from the policy: kept as Netty set them up
    policy.applyTo(p);
    p.setApplicationProtocols(alpn);
    if (checkName) p.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(p);
  }
}
