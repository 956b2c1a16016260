/**
 * An optional native TLS engine for TlsKit: BoringSSL (through netty-tcnative) driven as an {@code SSLEngine} under
 * TlsKit's own sockets, selected by a policy's provider.
 */
module dev.tlskit.nativetls {
  requires transitive dev.tlskit.core;
  requires io.netty.handler;
  exports dev.tlskit.nativetls;
}
