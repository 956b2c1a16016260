package dev.tlskit.certs;

/** The X.509 key usage bits (RFC 5280 section 4.2.1.3) a certificate may carry. */
public enum KeyUsage {
  DIGITAL_SIGNATURE(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature),
  NON_REPUDIATION(org.bouncycastle.asn1.x509.KeyUsage.nonRepudiation),
  KEY_ENCIPHERMENT(org.bouncycastle.asn1.x509.KeyUsage.keyEncipherment),
  DATA_ENCIPHERMENT(org.bouncycastle.asn1.x509.KeyUsage.dataEncipherment),
  KEY_AGREEMENT(org.bouncycastle.asn1.x509.KeyUsage.keyAgreement),
  KEY_CERT_SIGN(org.bouncycastle.asn1.x509.KeyUsage.keyCertSign),
  CRL_SIGN(org.bouncycastle.asn1.x509.KeyUsage.cRLSign);

  final int bit;

  KeyUsage(int bit) {
    this.bit = bit;
  }
}
