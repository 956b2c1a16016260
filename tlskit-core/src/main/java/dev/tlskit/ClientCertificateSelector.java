package dev.tlskit;

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
  /** What the server asked for. */
  record Request(String peerHost, List<String> keyTypes, List<X500Principal> acceptableIssuers) {
    public Request {
      keyTypes = List.copyOf(keyTypes);
      acceptableIssuers = List.copyOf(acceptableIssuers);
    }
  }

  /** Returns the key to present, or empty to present none (the server may then refuse the handshake). */
  Optional<CertifiedKey> select(Request request);
}
