/**
 * Configures OkHttp 5 from a TlsKit {@link dev.tlskit.TlsPolicy}. OkHttp is not a dependency of this module's users
 * until they use it: it is declared {@code provided}, so add {@code com.squareup.okhttp3:okhttp-jvm} yourself.
 */
module dev.tlskit.okhttp {
  requires transitive dev.tlskit.core;
  requires transitive okhttp3; // the JVM jar of OkHttp 5 (okhttp-jvm) is a named module
  exports dev.tlskit.okhttp;
}
