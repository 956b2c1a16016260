package dev.tlskit;

import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of a {@link TlsServer}'s counters. Byte counts are application bytes (after decryption, before
 * encryption) summed over all connections, closed ones included. {@code connectionsRefused} counts connections closed
 * at once because {@code maxConnections} connections were open and all of them secured; a connection closed before it
 * was secured to make room for a newer one is a failed handshake, {@link HandshakeFailure#SHED}.
 */
public record ServerMetrics(
    long connectionsOpen, long connectionsTotal, long connectionsRefused, long handshakesOk,
    Map<HandshakeFailure, Long> handshakesFailed, long bytesIn, long bytesOut) {

  /**
   * Why a connection ended before its handler could use a secured (or authorized) channel; on the client side, why a
   * handshake failed ({@link TlsSecurityException#handshakeFailure()}). One vocabulary for both sides, filled by one
   * classifier.
   */
  public enum HandshakeFailure {
    /** The handshake (or PROXY header) did not finish within the handshake timeout. */
    TIMEOUT,
    /**
     * The connection was not secured within the setup timeout: still in plaintext before STARTTLS (a client trickling
     * bytes so that no read times out, or a handler that never upgrades), or PROXY header, plaintext phase and
     * handshake together took too long.
     */
    SETUP_TIMEOUT,
    /**
     * Closed before it was secured (PROXY header, plaintext before STARTTLS, or handshake) to make room for a newer
     * connection: the server had reached its limit of unsecured connections, or of all connections, and this was the
     * oldest unsecured one.
     */
    SHED,
    /** The peer closed the connection during the handshake. */
    CLOSED_BY_PEER,
    /** The peer spoke no TLS at all (plaintext on a TLS port). */
    NOT_TLS,
    /** No protocol version in common (the peer offered only TLS 1.1 or older, say). */
    PROTOCOL_VERSION,
    /** No cipher suite or group in common. */
    NO_SHARED_CIPHER,
    /** A client certificate was required and none was sent. */
    CLIENT_CERTIFICATE_MISSING,
    /** The client certificate failed validation. */
    CERTIFICATE_REJECTED,
    /** The client refused this server's certificate (an alert such as unknown_ca or certificate_unknown). */
    CERTIFICATE_REFUSED_BY_CLIENT,
    /** The client asked (SNI) for a name this server has no certificate for, and unknown names are rejected. */
    UNRECOGNIZED_NAME,
    /** The client offered ALPN protocols none of which the server speaks, or none while ALPN is required. */
    ALPN_MISMATCH,
    /** The {@link Authorizer} refused the peer. */
    PEER_NOT_AUTHORIZED,
    /** Plaintext was pipelined after an upgrade command (CVE-2011-0411 class). */
    INJECTION_DETECTED,
    /** A PROXY protocol header was required and missing or malformed. */
    PROXY_HEADER_INVALID,
    /** The client tried to renegotiate (TLS 1.2) after the handshake; the connection was closed. */
    RENEGOTIATION_REFUSED,
    /** Anything else; the log says what. */
    OTHER;

    /**
     * Returns the coarser reason a {@link TlsSecurityException} for this failure carries, on either side: the same
     * value for a server's refusal of a client and a client's failed handshake with a server.
     */
    public TlsSecurityException.Reason reason() {
      return switch (this) {
        case CERTIFICATE_REJECTED -> TlsSecurityException.Reason.CERTIFICATE_REJECTED;
        case ALPN_MISMATCH -> TlsSecurityException.Reason.ALPN_MISMATCH;
        case PEER_NOT_AUTHORIZED -> TlsSecurityException.Reason.PEER_NOT_AUTHORIZED;
        case INJECTION_DETECTED -> TlsSecurityException.Reason.INJECTION_DETECTED;
        default -> TlsSecurityException.Reason.HANDSHAKE_FAILED;
      };
    }
  }

  public ServerMetrics {
    EnumMap<HandshakeFailure, Long> copy = new EnumMap<>(HandshakeFailure.class);
    copy.putAll(handshakesFailed);
    handshakesFailed = Map.copyOf(copy);
  }

  /** Returns how many handshakes failed for {@code reason}. */
  public long failed(HandshakeFailure reason) {
    return handshakesFailed.getOrDefault(reason, 0L);
  }

  /** Returns how many handshakes failed for any reason. */
  public long handshakesFailedTotal() {
    return handshakesFailed.values().stream().mapToLong(Long::longValue).sum();
  }
}
