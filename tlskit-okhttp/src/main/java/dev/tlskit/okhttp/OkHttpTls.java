package dev.tlskit.okhttp;

import dev.tlskit.TlsPolicy;
import dev.tlskit.ValidationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * Makes an {@link OkHttpClient} follow a {@link TlsPolicy}: one call, {@link #configure}, on the builder.
 *
 * <p>What the configured client does on every HTTPS connection:
 * <ul>
 *   <li>trust: the policy's trust manager judges the server's chain during the handshake (anchors, the host name of
 *       the request URL, pins, revocation, key and signature strength, the validation callback); a refusal fails the
 *       call with an {@code SSLHandshakeException} whose {@link ValidationReport} {@link ValidationReport#of} finds;
 *   <li>host name: checked twice, by TlsKit in the handshake and by the builder's {@code HostnameVerifier} (OkHttp's
 *       own unless you set another) after it; only the policy's {@code dangerous().skipHostnameVerification()} turns
 *       both off;
 *   <li>versions and cipher suites: exactly the policy's, through a single {@link ConnectionSpec} that replaces the
 *       builder's specs (so cleartext {@code http://} URLs are refused; add {@link ConnectionSpec#CLEARTEXT} after
 *       this call if you need them); key-exchange groups and signature schemes: the policy's, set on every socket;
 *   <li>client certificate: the policy's fixed certificate or selector, when the server asks;
 *   <li>ALPN: the policy's list when it is not empty (it may name only {@code h2} and {@code http/1.1}, and must
 *       include {@code http/1.1}, which OkHttp requires); with an empty list OkHttp offers its own
 *       ({@code h2, http/1.1}).
 * </ul>
 *
 * <p>Pins need no OkHttp {@code CertificatePinner}: the policy's trust manager enforces them during the handshake,
 * against the chain it built, and the failure carries the report (a {@code PinMismatch} naming the chain seen). A
 * {@code CertificatePinner} would check the same pins again after the handshake, on OkHttp's own cleaned chain, and
 * fail without a report; one already on the builder stays and still applies.
 */
public final class OkHttpTls {
  private OkHttpTls() {}

  /**
   * Configures {@code builder} so that every HTTPS connection of the clients it builds follows {@code policy} (see
   * the class description) and returns it. Replaces the builder's SSL socket factory, trust manager and connection
   * specs; sets its protocols when the policy names ALPN protocols, and its hostname verifier only when the policy
   * dangerously skips hostname verification.
   *
   * @throws IllegalArgumentException when the policy's ALPN list names a protocol OkHttp cannot speak over TLS or
   *     lacks {@code http/1.1}
   */
  public static OkHttpClient.Builder configure(OkHttpClient.Builder builder, TlsPolicy policy) {
    Objects.requireNonNull(builder, "builder");
    Objects.requireNonNull(policy, "policy");
    List<Protocol> protocols = protocols(policy.alpn());
    builder.sslSocketFactory(policy.socketFactory(), policy.trustManager());
    builder.connectionSpecs(List.of(connectionSpec(policy)));
    if (!protocols.isEmpty()) builder.protocols(protocols);
    if (policy.dangerousSkipHostnameVerification()) {
      // the policy's own dangerous switch, logged by its trust manager: OkHttp's check must not undo it
      builder.hostnameVerifier((host, session) -> true);
    }
    return builder;
  }

  /** Returns a TLS connection spec with exactly the policy's protocol versions and cipher suites. */
  public static ConnectionSpec connectionSpec(TlsPolicy policy) {
    // from RESTRICTED_TLS for its TLS-extension flag (SNI, ALPN); versions and suites are replaced entirely
    return new ConnectionSpec.Builder(ConnectionSpec.RESTRICTED_TLS)
        .tlsVersions(policy.protocols().toArray(String[]::new))
        .cipherSuites(policy.cipherSuites().toArray(String[]::new))
        .build();
  }

  private static List<Protocol> protocols(List<String> alpn) {
    List<Protocol> out = new ArrayList<>();
    for (String name : alpn) {
      switch (name) {
        case "h2" -> out.add(Protocol.HTTP_2);
        case "http/1.1" -> out.add(Protocol.HTTP_1_1);
        default -> throw new IllegalArgumentException("policy ALPN protocol '" + name + "' is not one OkHttp speaks"
            + " over TLS (h2, http/1.1): " + alpn);
      }
    }
    if (!out.isEmpty() && !out.contains(Protocol.HTTP_1_1)) {
      throw new IllegalArgumentException("policy ALPN " + alpn + " lacks http/1.1, which OkHttp requires beside h2");
    }
    return out;
  }
}
