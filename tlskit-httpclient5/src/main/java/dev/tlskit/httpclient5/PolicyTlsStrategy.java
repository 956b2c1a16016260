package dev.tlskit.httpclient5;

import dev.tlskit.TlsPolicy;
import dev.tlskit.ValidationReport;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.HttpsSupport;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;

/**
 * The TLS strategy of Apache HttpClient 5 that follows a {@link TlsPolicy}, for the classic client ({@code
 * PoolingHttpClientConnectionManagerBuilder.setTlsSocketStrategy}) and the async one ({@code
 * PoolingAsyncClientConnectionManagerBuilder.setTlsStrategy}).
 *
 * <p>What it does on every HTTPS connection:
 * <ul>
 *   <li>trust: the policy's trust manager judges the server's chain during the handshake (anchors, the host name of
 *       the request, pins, revocation, key and signature strength, the validation callback); a refusal fails the
 *       request with an {@code SSLHandshakeException} whose {@link ValidationReport} {@link ValidationReport#of}
 *       finds;
 *   <li>host name: checked by TlsKit in the handshake and again by HttpClient's own verifier after it; only the
 *       policy's {@code dangerous().skipHostnameVerification()} turns both off;
 *   <li>versions, cipher suites, key-exchange groups and signature schemes: exactly the policy's, set on every
 *       socket and engine last, so a {@code TlsConfig} naming other versions or suites cannot widen them;
 *   <li>client certificate: the policy's fixed certificate or selector, when the server asks;
 *   <li>ALPN: HttpClient offers what its HTTP version policy can speak; a policy naming ALPN protocols narrows that to
 *       the protocols in both lists, in the policy's order (a connection where none is left fails). The classic
 *       client speaks HTTP/1.1 only.
 * </ul>
 */
public final class PolicyTlsStrategy extends DefaultClientTlsStrategy {
  private static final List<String> HTTP_ALPN = List.of("h2", "http/1.1");

  private final TlsPolicy policy;

  private PolicyTlsStrategy(TlsPolicy policy) {
    super(policy.sslContext(), policy.protocols().toArray(String[]::new), policy.cipherSuites().toArray(String[]::new),
        SSLBufferMode.STATIC,
        // HttpClient checks the name only with a verifier given (JSSE's endpoint identification, its BUILTIN half,
        // leaves the check to a custom trust manager, which TlsKit's is); the policy's own dangerous switch, logged by
        // its trust manager, turns both off
        policy.dangerousSkipHostnameVerification() ? HostnameVerificationPolicy.CLIENT : HostnameVerificationPolicy.BOTH,
        policy.dangerousSkipHostnameVerification() ? NoopHostnameVerifier.INSTANCE
            : HttpsSupport.getDefaultHostnameVerifier());
    this.policy = policy;
  }

  /**
   * Returns a strategy following {@code policy}.
   *
   * @throws IllegalArgumentException when the policy's ALPN list names a protocol HttpClient cannot speak (anything
   *     but {@code h2} and {@code http/1.1})
   */
  public static PolicyTlsStrategy of(TlsPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    for (String p : policy.alpn()) {
      if (!HTTP_ALPN.contains(p)) {
        throw new IllegalArgumentException("policy ALPN protocol '" + p + "' is not one HttpClient speaks (h2,"
            + " http/1.1): " + policy.alpn());
      }
    }
    return new PolicyTlsStrategy(policy);
  }

  /** Returns the policy this strategy follows. */
  public TlsPolicy policy() {
    return policy;
  }

  @Override
  protected void initializeEngine(SSLEngine engine) {
    SSLParameters p = engine.getSSLParameters();
    List<String> offered = List.of(p.getApplicationProtocols()); // from HttpClient's HTTP version policy
    engine.setSSLParameters(withPolicy(p, offered, offered));
  }

  @Override
  protected void initializeSocket(SSLSocket socket) {
    // the classic client speaks HTTP/1.1 only, and offers no ALPN unless the policy asks for it
    socket.setSSLParameters(withPolicy(socket.getSSLParameters(), List.of("http/1.1"), List.of()));
  }

  /**
   * Sets the policy's versions, suites, groups and schemes on {@code p}, and as ALPN the policy's protocols that the
   * client {@code speaks} (in the policy's order), or {@code withoutPolicyAlpn} when the policy names none.
   */
  private SSLParameters withPolicy(SSLParameters p, List<String> speaks, List<String> withoutPolicyAlpn) {
    policy.applyTo(p);
    List<String> alpn = policy.alpn().isEmpty() ? withoutPolicyAlpn
        : policy.alpn().stream().filter(speaks::contains).toList();
    if (alpn.isEmpty() && !policy.alpn().isEmpty()) {
      throw new IllegalStateException("policy ALPN " + policy.alpn() + " has no protocol this HttpClient connection"
          + " speaks " + speaks);
    }
    p.setApplicationProtocols(alpn.toArray(String[]::new));
    return p;
  }
}
