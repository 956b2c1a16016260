package dev.tlskit.internal.tls;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ClientCertificateSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/** {@link ClientCertificateSelector#firstValidMatchingIssuers()}: the first usable candidate, in the policy's order. */
public final class FirstValidSelector implements ClientCertificateSelector {
  public static final FirstValidSelector INSTANCE = new FirstValidSelector();

  private FirstValidSelector() {}

  @Override
  public Optional<CertifiedKey> select(Request request) {
    Date now = Date.from(Instant.now());
    for (CertifiedKey k : request.candidates()) {
      if (valid(k.chain(), now) && PolicyKeyManager.fits(k, request.keyTypes())
          && matches(k.chain(), request.acceptableIssuers())) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  private static boolean valid(List<X509Certificate> chain, Date now) {
    for (X509Certificate c : chain) {
      if (now.before(c.getNotBefore()) || now.after(c.getNotAfter())) return false;
    }
    return true;
  }

  private static boolean matches(List<X509Certificate> chain, List<X500Principal> accepted) {
    if (accepted.isEmpty()) return true;
    for (X509Certificate c : chain) {
      if (accepted.contains(c.getIssuerX500Principal()) || accepted.contains(c.getSubjectX500Principal())) return true;
    }
    return false;
  }

  @Override
  public String toString() {
    return "ClientCertificateSelector.firstValidMatchingIssuers()";
  }
}
