package dev.tlskit.probe;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a server sent back to one probe ClientHello, up to the point a probe can read without keys: the ServerHello
 * (or HelloRetryRequest) and, for TLS 1.2 and older, the rest of the first flight (certificates, stapled OCSP
 * response, key-exchange parameters); or the alert that refused the hello.
 *
 * @param kind what came back
 * @param version the version the server selected, or null
 * @param suite the suite the server selected, or null
 * @param group the key-exchange group: from a HelloRetryRequest or key_share (TLS 1.3) or an ECDHE
 *     ServerKeyExchange; null when not seen
 * @param dhBits the size of the DHE prime from a ServerKeyExchange, or -1
 * @param alpn the ALPN protocol the server selected (TLS 1.2 and older only; encrypted in 1.3), or null
 * @param secureRenegotiation whether the ServerHello carried renegotiation_info (RFC 5746)
 * @param extendedMasterSecret whether the ServerHello carried extended_master_secret (RFC 7627)
 * @param chain the certificates of a TLS 1.2-or-older Certificate message, leaf first; empty otherwise
 * @param ocspResponse a stapled OCSP response (CertificateStatus), or null
 * @param alert the alert description that refused the hello, or -1
 * @param sessionId whether the ServerHello carried a session ID (TLS 1.2 and older: the server offers to resume by ID)
 * @param sessionTicket whether the ServerHello echoed session_ticket (TLS 1.2 and older: a ticket will follow)
 */
record ServerFlight(Kind kind, TlsVersion version, CipherSuite suite, NamedGroup group, int dhBits,
    String alpn, boolean secureRenegotiation, boolean extendedMasterSecret, List<X509Certificate> chain,
    byte[] ocspResponse, int alert, boolean sessionId, boolean sessionTicket) {

  /** What came back. */
  enum Kind {
    /** A ServerHello: the server accepted the hello. */
    SERVER_HELLO,
    /** A TLS 1.3 HelloRetryRequest: the server accepted version and suite and asks for a key share in its group. */
    HELLO_RETRY_REQUEST,
    /** An alert: the server refused. */
    ALERT,
    /** The connection closed (or was reset) without an answer: a refusal by servers that do not send alerts. */
    CLOSED
  }

  ServerFlight {
    chain = List.copyOf(chain);
  }

  /** Returns a refusal by alert. */
  static ServerFlight alert(int description) {
    return new ServerFlight(Kind.ALERT, null, null, null, -1, null, false, false, List.of(), null, description, false,
        false);
  }

  /** Returns a refusal by closing the connection. */
  static ServerFlight closed() {
    return new ServerFlight(Kind.CLOSED, null, null, null, -1, null, false, false, List.of(), null, -1, false, false);
  }

  /** Returns true when the server accepted the hello (ServerHello or HelloRetryRequest). */
  boolean accepted() {
    return kind == Kind.SERVER_HELLO || kind == Kind.HELLO_RETRY_REQUEST;
  }

  /** Returns a short description of the refusal ("alert handshake_failure (40)", "connection closed"). */
  String refusal() {
    return switch (kind) {
      case ALERT -> "alert " + alertName(alert) + " (" + alert + ")";
      case CLOSED -> "connection closed";
      default -> "accepted";
    };
  }

  /** Returns the RFC 8446 name of an alert description. */
  static String alertName(int description) {
    return dev.tlskit.internal.io.TlsRecords.alertName(description);
  }
}
