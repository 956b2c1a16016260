package dev.tlskit;

import dev.tlskit.internal.tls.FirstValidSelector;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Chooses the client certificate to present when a server asks for one, given what the server accepts (the
 * equivalent of PowerTCP's {@code LocalCertificateSelectionCallback}). Called during the handshake, on the
 * handshaking thread; it must not block for long.
 */
@FunctionalInterface
public interface ClientCertificateSelector {
  /**
   * What the server asked for, what it presented, and what the policy holds.
   *
   * @param peerHost the host the client dialled (null when unknown)
   * @param keyTypes the key types the server accepts ({@code "EC"}, {@code "RSA"}, ...)
   * @param acceptableIssuers the certificate authorities the server named in its CertificateRequest (empty: any)
   * @param serverChain the certificate chain the server presented, leaf first, already validated by the policy's
   *     trust rules. Present in TLS 1.2 and in TLS 1.3 with the JDK's JSSE (which picks the client certificate after
   *     the server's Certificate and Finished, although TLS 1.3 sends CertificateRequest first); empty when the
   *     provider does not expose it at selection time
   * @param candidates the policy's {@link TlsPolicy.Builder#clientCertificates collection} of client certificates,
   *     in its order (empty when the policy holds none)
   */
  record Request(String peerHost, List<String> keyTypes, List<X500Principal> acceptableIssuers,
      List<X509Certificate> serverChain, List<CertifiedKey> candidates) {
    public Request {
      keyTypes = List.copyOf(keyTypes);
      acceptableIssuers = List.copyOf(acceptableIssuers);
      serverChain = List.copyOf(serverChain);
      candidates = List.copyOf(candidates);
    }

    /** A request without the server's chain and without candidates. */
    public Request(String peerHost, List<String> keyTypes, List<X500Principal> acceptableIssuers) {
      this(peerHost, keyTypes, acceptableIssuers, List.of(), List.of());
    }
  }

  /** Returns the key to present, or empty to present none (the server may then refuse the handshake). */
  Optional<CertifiedKey> select(Request request);

  /**
   * Returns the selector that presents the first of the {@link Request#candidates() candidates} that is valid now
   * (every certificate of its chain inside its validity period), whose key type the server accepts, and whose
   * chain names one of the server's acceptable issuers (as the issuer or subject of any of its certificates; any
   * issuer fits when the server named none); none when no candidate qualifies. PowerTCP's default choice. It is
   * the default of a policy given a {@link TlsPolicy.Builder#clientCertificates collection} and no selector.
   */
  static ClientCertificateSelector firstValidMatchingIssuers() {
    return FirstValidSelector.INSTANCE;
  }
}
