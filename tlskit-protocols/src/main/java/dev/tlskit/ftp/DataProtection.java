package dev.tlskit.ftp;

/**
 * How one data connection was protected.
 *
 * @param tls true for PROT P (TLS), false for a clear data connection
 * @param protocol the TLS version of the data connection, or null when clear
 * @param cipherSuite the cipher suite of the data connection, or null when clear
 * @param sessionResumed true when the data connection resumed the control connection's TLS session (RFC 4217
 *     section 10.2), the property servers with {@code require_ssl_reuse} insist on
 * @param mechanism how resumption was requested ("JDK SSLEngine ...", "BouncyCastle JSSE ..."), or null when clear
 * @param keyExchangeGroup the key-exchange group the server's first flight named, as in
 *     {@link dev.tlskit.SecurityInfo#keyExchangeGroup()} ("X25519MLKEM768", "x25519", "none (resumed)" for a TLS 1.2
 *     resumption), "unknown" when it could not be seen, or null when clear
 */
public record DataProtection(boolean tls, String protocol, String cipherSuite, boolean sessionResumed,
    String mechanism, String keyExchangeGroup) {
  /** A clear (PROT C) data connection. */
  public static final DataProtection CLEAR = new DataProtection(false, null, null, false, null, null);

  /**
   * The constructor of the releases before the key-exchange group was reported: the group is "unknown" for a TLS data
   * connection, null for a clear one.
   */
  public DataProtection(boolean tls, String protocol, String cipherSuite, boolean sessionResumed, String mechanism) {
    this(tls, protocol, cipherSuite, sessionResumed, mechanism, tls ? dev.tlskit.SecurityInfo.UNKNOWN : null);
  }
}
