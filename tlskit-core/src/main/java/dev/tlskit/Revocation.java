package dev.tlskit;

/**
 * Whether and how strictly certificate revocation is checked. Stapled OCSP responses (sent by the peer in the
 * handshake) are always preferred; otherwise the JDK asks the OCSP responder named in the certificate, then CRLs
 * given to the policy ({@link TlsPolicy.Builder#crls}).
 */
public enum Revocation {
  /** No revocation checking (the JDK's own default). */
  OFF,
  /**
   * Checks; a revoked certificate fails, an unknown status (responder unreachable, no information) is recorded as a
   * warning in the report and the connection proceeds.
   */
  SOFT_FAIL,
  /** Checks; a revoked certificate and an unknown status both fail the connection. */
  HARD_FAIL
}
