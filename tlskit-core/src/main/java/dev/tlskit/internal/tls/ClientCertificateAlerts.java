package dev.tlskit.internal.tls;

import dev.tlskit.TlsSecurityException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises, in a TLS exception, an alert the peer sent about our client certificate (RFC 8446 section 6.2), and
 * words the refusal: who refused, with which alert, what we presented, what to try.
 */
public final class ClientCertificateAlerts {
  /** The JDK words a received alert "Received fatal alert: unknown_ca" (JDK 11 to 25, TLS 1.2 and 1.3). */
  private static final Pattern RECEIVED = Pattern.compile("Received fatal alert: ([a-z_]+)");
  /** BouncyCastle's JSSE throws its TlsFatalAlertReceived, worded "unknown_ca(48)". */
  private static final Pattern BC_RECEIVED = Pattern.compile("^([a-z_]+)\\(\\d+\\)");
  private static final String BC_ALERT_CLASS = "org.bouncycastle.tls.TlsFatalAlertReceived";

  /** The alerts a server sends about a client certificate, with what each one means. */
  private static final Map<String, String> MEANING = Map.of(
      "certificate_required", "it requires a client certificate",
      "bad_certificate", "it found the certificate bad (a broken signature, or none where one is required)",
      "unsupported_certificate", "it does not support the certificate's type",
      "certificate_revoked", "the certificate is revoked",
      "certificate_expired", "the certificate is expired or not yet valid",
      "certificate_unknown", "it could not accept the certificate (often: issued by a CA it does not trust)",
      "unknown_ca", "it does not trust the CA that issued the certificate",
      "access_denied", "the certificate is valid but not allowed in");

  private ClientCertificateAlerts() {}

  /** Returns the name of the alert the peer sent, when {@code failure} (or a cause) reports one. */
  public static Optional<String> received(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      Matcher m = t.getClass().getName().equals(BC_ALERT_CLASS) ? BC_RECEIVED.matcher(message)
          : RECEIVED.matcher(message);
      if (m.find()) return Optional.of(m.group(1));
    }
    return Optional.empty();
  }

  /**
   * Returns the name of the client-certificate alert the peer sent, when {@code failure} (or a cause) reports one.
   * Alerts we sent ourselves are worded differently (JDK) or typed differently (BouncyCastle) and are not matched. Call it only when the server
   * asked for a certificate; {@code presentedNone} tells whether we then sent an empty one, which TLS 1.2 servers
   * may refuse with the generic handshake_failure (RFC 5246 section 7.4.6), counted here too.
   */
  public static Optional<String> receivedAboutClientCertificate(Throwable failure, boolean presentedNone) {
    return received(failure).filter(a -> MEANING.containsKey(a) || presentedNone && a.equals("handshake_failure"));
  }

  /**
   * Returns the typed refusal for {@code alert} from {@code peerName}, given the leaf certificate we presented
   * (null when none).
   */
  public static TlsSecurityException refusal(String alert, String peerName, X509Certificate presented,
      Throwable cause) {
    return refusal(alert, peerName, presented, null, cause);
  }

  /**
   * Returns the typed refusal for {@code alert}, as {@link #refusal(String, String, X509Certificate, Throwable)}, with
   * {@code declined} (not null when a collection of certificates gave none) saying why none was presented.
   */
  public static TlsSecurityException refusal(String alert, String peerName, X509Certificate presented,
      String declined, Throwable cause) {
    String ours = presented == null && declined != null ? "we presented no client certificate: " + declined
        : presented == null ? "we presented no client certificate"
        : "we presented " + presented.getSubjectX500Principal().getName() + ", issued by "
            + presented.getIssuerX500Principal().getName();
    String tryThis = presented == null && declined != null
        ? "Add a valid certificate from one of those issuers to the collection (on the command line: to the token)."
        : presented == null
        ? "Give one (TlsPolicy.clientCertificate; on the command line --cert FILE --key FILE)."
        : "Present a certificate issued to you by a CA the server trusts, or ask its operator to trust your CA.";
    return new TlsSecurityException(TlsSecurityException.Reason.CLIENT_CERTIFICATE_REFUSED,
        peerName + " refused our client certificate with alert " + alert + ": "
            + MEANING.getOrDefault(alert, "it requires a client certificate") + "; "
            + ours + ". " + tryThis, null, cause);
  }
}
