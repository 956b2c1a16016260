package dev.tlskit.internal.tls;

import dev.tlskit.ServerMetrics.HandshakeFailure;
import dev.tlskit.TlsSecurityException.Reason;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * Names why a handshake failed, from what the TLS provider threw: the one classifier of handshake failures, for the
 * client and the server alike. Its vocabulary is {@link HandshakeFailure}; {@link HandshakeFailure#reason()} maps each
 * value to the coarser {@link Reason} a {@link dev.tlskit.TlsSecurityException} carries.
 */
public final class HandshakeFailures {
  private HandshakeFailures() {}

  /** Returns the failure reason for an exception thrown by a handshake, walking its causes. */
  public static HandshakeFailure classify(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SocketTimeoutException) return HandshakeFailure.TIMEOUT;
      if (c instanceof EOFException) return HandshakeFailure.CLOSED_BY_PEER;
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("empty client certificate chain")) return HandshakeFailure.CLIENT_CERTIFICATE_MISSING;
      // what the JDK says on the side that found the problem, then the alert the other side receives for it
      if (m.contains("unrecognized server name") || m.contains("unrecognized_name")) {
        return HandshakeFailure.UNRECOGNIZED_NAME;
      }
      if (m.contains("received fatal alert") && (m.contains("certificate_unknown") || m.contains("bad_certificate")
          || m.contains("unknown_ca") || m.contains("certificate_expired") || m.contains("unsupported_certificate"))) {
        return HandshakeFailure.CERTIFICATE_REFUSED_BY_CLIENT;
      }
      // "application layer protocol" (JDK server), "application protocol" / "no_application_protocol" (JDK client,
      // alerts), "ALPN" (other providers)
      if (m.contains("application layer protocol") || m.contains("application protocol")
          || m.contains("application_protocol") || m.contains("alpn")) {
        return HandshakeFailure.ALPN_MISMATCH;
      }
      if (m.contains("no cipher suites in common") || m.contains("no supported groups")
          || m.contains("no negotiable") || m.contains("insufficient_security")) {
        return HandshakeFailure.NO_SHARED_CIPHER;
      }
      if (m.contains("protocol version") || m.contains("protocol_version")
          || (m.contains("protocol") && m.contains("not enabled"))
          || m.contains("not accepted by server preferences")) {
        return HandshakeFailure.PROTOCOL_VERSION;
      }
      if (m.contains("unsupported or unrecognized ssl message") || m.contains("plaintext connection")) {
        return HandshakeFailure.NOT_TLS;
      }
      if (m.contains("remote host terminated") || m.contains("connection reset") || m.contains("broken pipe")) {
        return HandshakeFailure.CLOSED_BY_PEER;
      }
    }
    return HandshakeFailure.OTHER;
  }
}
