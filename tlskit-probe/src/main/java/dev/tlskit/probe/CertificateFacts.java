package dev.tlskit.probe;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** What the JSON document and the text report both show of a presented certificate, beyond core's summary. */
final class CertificateFacts {
  private CertificateFacts() {}

  /** Returns the DNS names ("DNS:...") and IP addresses ("IP:...") of the subjectAltName extension. */
  static List<String> subjectAltNames(X509Certificate c) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2 || type == 7) out.add((type == 7 ? "IP:" : "DNS:") + san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      out.add("(unparseable: " + e.getMessage() + ")");
    }
    return out;
  }

  /** Returns the whole days from now until the certificate ends (negative once it has). */
  static long daysLeft(X509Certificate c) {
    return Duration.between(Instant.now(), c.getNotAfter().toInstant()).toDays();
  }
}
