package dev.tlskit.nativetls.internal;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Words BoringSSL's failures as the JDK does, so that TlsKit's one classifier of handshake failures (core's
 * {@code HandshakeFailures}, {@code ClientCertificateAlerts}) reads them alike: a received alert becomes "Received
 * fatal alert: NAME", a local refusal the JDK's phrase for it. BoringSSL's own text stays in the message and the
 * original exception is the cause.
 */
final class Failures {
  /** BoringSSL's reason for a received alert: SSLV3_ALERT_BAD_CERTIFICATE, TLSV1_ALERT_UNKNOWN_CA, ... */
  private static final Pattern RECEIVED = Pattern.compile("\\b(?:SSLV3|TLSV1|TLSV13)_(?:ALERT_)?([A-Z_]+)");
  private static final Map<String, String> LOCAL = Map.of(
      "NO_SHARED_CIPHER", "no cipher suites in common",
      "NO_SHARED_GROUP", "no supported groups in common",
      "UNSUPPORTED_PROTOCOL", "the peer's protocol version is not enabled",
      "WRONG_VERSION_NUMBER", "Unsupported or unrecognized SSL message",
      "PEER_DID_NOT_RETURN_A_CERTIFICATE", "Empty client certificate chain",
      "NO_APPLICATION_PROTOCOL", "no application protocol in common (ALPN)",
      "HTTP_REQUEST", "Unsupported or unrecognized SSL message (plaintext connection?)",
      "CERTIFICATE_VERIFY_FAILED", "certificate verification failed");

  private Failures() {}

  /** Returns {@code e} in the JDK's words: an {@link SSLHandshakeException} when {@code handshake}. */
  static SSLException jdkWords(SSLException e, boolean handshake) {
    return jdkWords(e, handshake, false);
  }

  /**
   * The same; {@code sniRefused}: the server's SNI matcher refused the client's name, which BoringSSL reports as a
   * bad ClientHello extension (CLIENTHELLO_TLSEXT) after sending unrecognized_name.
   */
  static SSLException jdkWords(SSLException e, boolean handshake, boolean sniRefused) {
    String m = String.valueOf(e.getMessage());
    if (sniRefused && m.contains("CLIENTHELLO_TLSEXT")) {
      SSLException out = new SSLHandshakeException("Unrecognized server name indication (BoringSSL: " + m + ")");
      out.initCause(e);
      return out;
    }
    String words = null;
    Matcher a = RECEIVED.matcher(m);
    if (a.find()) {
      words = "Received fatal alert: " + a.group(1).toLowerCase(Locale.ROOT);
    } else {
      for (Map.Entry<String, String> l : LOCAL.entrySet()) {
        if (m.contains(l.getKey())) {
          words = l.getValue();
          break;
        }
      }
    }
    if (words == null) return e;
    String text = words + " (BoringSSL: " + m + ")";
    SSLException out = handshake ? new SSLHandshakeException(text) : new SSLException(text);
    out.initCause(e);
    return out;
  }
}
