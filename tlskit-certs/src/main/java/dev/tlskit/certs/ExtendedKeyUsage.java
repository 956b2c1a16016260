package dev.tlskit.certs;

import org.bouncycastle.asn1.x509.KeyPurposeId;

/** The extended key usages (RFC 5280 section 4.2.1.12) that matter to TLS. */
public enum ExtendedKeyUsage {
  /** {@code id-kp-serverAuth}: the certificate may identify a TLS server. */
  SERVER_AUTH(KeyPurposeId.id_kp_serverAuth, "serverAuth"),
  /** {@code id-kp-clientAuth}: the certificate may identify a TLS client. */
  CLIENT_AUTH(KeyPurposeId.id_kp_clientAuth, "clientAuth");

  final KeyPurposeId id;
  private final String displayName;

  ExtendedKeyUsage(KeyPurposeId id, String displayName) {
    this.id = id;
    this.displayName = displayName;
  }

  /** Returns the OID of this usage, e.g. {@code 1.3.6.1.5.5.7.3.1}. */
  public String oid() {
    return id.getId();
  }

  /** Returns the name OpenSSL and RFC 5280 use, e.g. {@code serverAuth}. */
  @Override
  public String toString() {
    return displayName;
  }
}
