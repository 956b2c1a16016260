package dev.tlskit.internal.server;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The server's TLS defaults until the shared policy type exists: TLS 1.3 and 1.2, forward-secret AEAD suites in
 * server preference order, RFC 9325 groups.
 */
public final class ServerTlsDefaults {
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

  public static final List<String> GROUPS = List.of("x25519", "secp256r1", "secp384r1");

  private ServerTlsDefaults() {}

  /** Returns {@code wanted} in its order, keeping only what {@code context} supports; fails when none remain. */
  public static String[] supported(List<String> wanted, SSLContext context, String what) {
    Set<String> have = Set.of(what.equals("cipher suites")
        ? context.getSupportedSSLParameters().getCipherSuites()
        : context.getSupportedSSLParameters().getProtocols());
    String[] out = wanted.stream().filter(have::contains).toArray(String[]::new);
    if (out.length == 0) {
      throw new IllegalArgumentException("none of the " + what + " " + wanted + " is supported by this JDK: "
          + Arrays.toString(have.toArray()));
    }
    return out;
  }
}
