package dev.tlskit.examples;

import dev.tlskit.PeerIdentity;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import java.io.IOException;

/**
 * The {@code dangerous()} door: accepting one lab device's self-signed certificate by its fingerprint. <b>Never in
 * production.</b>
 */
public final class Dangerous {
  private Dangerous() {}

  /** Connects to a device whose certificate cannot be verified, accepting it only if its fingerprint matches. */
  public static SecurityInfo labDevice(String host, int port, String sha256Fingerprint) throws IOException {
    // guide:dangerous
    // DANGEROUS, never in production: the peer is not authenticated by any CA. This accepts exactly one known
    // certificate (compare fingerprints out of band); every acceptance is logged at WARNING.
    TlsPolicy policy = TlsPolicy.builder()
        .dangerous().acceptIf(report ->
            PeerIdentity.of(report.presented()).sha256Fingerprint().equalsIgnoreCase(sha256Fingerprint))
        .build();
    try (TlsConnection c = TlsClient.builder().policy(policy).build().connectTls(host, port)) {
      return c.securityInfo();   // validation().verdict() == ACCEPTED_DANGEROUSLY
    }
    // guide:end
  }
}
