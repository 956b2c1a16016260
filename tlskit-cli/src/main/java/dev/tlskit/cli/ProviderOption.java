package dev.tlskit.cli;

import dev.tlskit.TlsPolicy;
import dev.tlskit.nativetls.NativeTls;
import dev.tlskit.nativetls.NativeTlsUnavailableException;
import java.security.Provider;
import java.util.Locale;

/**
 * The {@code --provider jdk|native} option of the network commands and {@code tlskit serve}: which TLS engine runs
 * the handshakes and records. Both follow the same policy and report; {@code native} is BoringSSL (tlskit-native).
 */
final class ProviderOption {
  static final String DESCRIPTION = "TLS engine: jdk (default, the JDK's JSSE) or native (BoringSSL through"
      + " netty-tcnative: faster handshakes; same policy, validation report and STARTTLS guard).";

  private ProviderOption() {}

  /**
   * Returns the provider {@code name} selects, null for the JDK's own.
   *
   * @throws UsageException for an unknown name, or when the native library cannot load on this machine
   */
  static Provider of(String name) {
    return switch (name == null ? "jdk" : name.toLowerCase(Locale.ROOT)) {
      case "jdk" -> null;
      case "native" -> {
        try {
          yield NativeTls.provider();
        } catch (NativeTlsUnavailableException e) {
          throw new UsageException("--provider native: " + e.getMessage(), e);
        }
      }
      default -> throw new UsageException("--provider must be jdk or native: " + name);
    };
  }

  /** Sets the provider {@code name} selects on {@code policy} (nothing for jdk). */
  static TlsPolicy.Builder apply(String name, TlsPolicy.Builder policy) {
    Provider p = of(name);
    return p == null ? policy : policy.provider(p);
  }
}
