/**
 * Apache Commons Net clients that follow a TlsKit {@link dev.tlskit.TlsPolicy}. Commons Net is declared
 * {@code provided}: add {@code commons-net:commons-net} yourself.
 */
module dev.tlskit.commonsnet {
  requires transitive dev.tlskit.core;
  requires transitive org.apache.commons.net;
  requires dev.tlskit.protocols; // the BouncyCastle JSSE provider for TLS 1.2 FTPS session reuse
  exports dev.tlskit.commonsnet;
}
