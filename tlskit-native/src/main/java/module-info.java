/**
 * An optional native TLS engine for TlsKit: BoringSSL (through netty-tcnative) driven as an {@code SSLEngine} under
 * TlsKit's own sockets, selected by a policy's provider ({@link dev.tlskit.nativetls.NativeTls#provider()}).
 */
module dev.tlskit.nativetls {
  requires transitive dev.tlskit.core;
  requires io.netty.handler;
  requires io.netty.buffer;
  requires io.netty.tcnative.classes.openssl;
  requires dev.tlskit.certs; // TicketKeyFile, the session-ticket key file format
  exports dev.tlskit.nativetls;
}
