/**
 * Jakarta Mail {@code Session} properties from a TlsKit {@link dev.tlskit.TlsPolicy}. Needs no Jakarta Mail at compile
 * time: the result is {@link java.util.Properties}.
 */
module dev.tlskit.jakartamail {
  requires transitive dev.tlskit.core;
  exports dev.tlskit.jakartamail;
}
