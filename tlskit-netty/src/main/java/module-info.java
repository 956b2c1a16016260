/**
 * Netty client and server {@code SslContext}s from a TlsKit {@link dev.tlskit.TlsPolicy}. Netty is declared
 * {@code provided}: add {@code io.netty:netty-handler} yourself.
 */
module dev.tlskit.netty {
  requires transitive dev.tlskit.core;
  requires transitive io.netty.handler;
  exports dev.tlskit.netty;
}
