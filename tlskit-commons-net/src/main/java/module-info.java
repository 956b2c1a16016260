/**
 * Apache Commons Net clients that follow a TlsKit {@link dev.tlskit.TlsPolicy}. Commons Net is declared
 * {@code provided} here, and comes with tlskit-protocols, which uses its FTP listing parsers.
 */
module dev.tlskit.commonsnet {
  requires transitive dev.tlskit.core;
  requires transitive org.apache.commons.net;
  requires dev.tlskit.protocols; // FTPS data connections (BcDataTls)
  requires dev.tlskit.bc; // the BouncyCastle JSSE provider for TLS 1.2 FTPS session reuse
  exports dev.tlskit.commonsnet;
}
