/** Throwaway PKI and key material I/O on BouncyCastle. */
module dev.tlskit.certs {
  requires transitive dev.tlskit.core; // CertifiedKey
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  exports dev.tlskit.certs;
}
