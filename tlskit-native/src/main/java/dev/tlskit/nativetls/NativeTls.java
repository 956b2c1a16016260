package dev.tlskit.nativetls;

import dev.tlskit.nativetls.internal.NativeProvider;
import io.netty.handler.ssl.OpenSsl;
import java.security.Provider;

/**
 * The native TLS engine: BoringSSL (netty-tcnative) under TlsKit's own sockets. Select it with
 * {@code TlsPolicy.builder().provider(NativeTls.provider())}; {@code TlsClient} and {@code TlsServer} then run their
 * handshakes and records in BoringSSL with the same policy, validation report, pins, client certificates and
 * STARTTLS guard as on the JDK.
 *
 * <p>What differs from the JDK provider: the provider makes sockets only (no {@code SSLEngine}, no server socket
 * factory); signature schemes are BoringSSL's defaults (the policy's list is not applied); named groups BoringSSL
 * lacks (x448, ffdhe*) are skipped, and the post-quantum hybrid X25519MLKEM768 is BoringSSL's own
 * ({@code dev.tlskit.bc.PostQuantum.offer}/{@code require} keep a policy on this provider, and a list of hybrid groups
 * alone is enforced: a peer without one fails the handshake); a server whose ALPN protocols the client does not offer completes the handshake
 * without ALPN instead of sending {@code no_application_protocol}; the private key must be exportable (not in a
 * PKCS#11 token).
 */
public final class NativeTls {
  private NativeTls() {}

  /** Returns true when BoringSSL's native library loads on this machine. */
  public static boolean isAvailable() {
    return OpenSsl.isAvailable();
  }

  /** Returns the native library's version text ("BoringSSL"), or why it is unavailable. */
  public static String version() {
    return OpenSsl.isAvailable() ? OpenSsl.versionString() : "unavailable: " + OpenSsl.unavailabilityCause();
  }

  /**
   * Returns the JSSE provider of the native engine (one instance per JVM): its {@code SSLContext} ("TLS",
   * "TLSv1.2", "TLSv1.3") makes TLS sockets layered over a given socket, backed by BoringSSL. It is not registered
   * in {@link java.security.Security}; pass it to a policy.
   *
   * @throws NativeTlsUnavailableException when the native library cannot load on this machine (its cause says why)
   */
  public static Provider provider() {
    if (!OpenSsl.isAvailable()) throw new NativeTlsUnavailableException(OpenSsl.unavailabilityCause());
    return NativeProvider.INSTANCE;
  }
}
