/**
 * A {@code TlsStrategy} for Apache HttpClient 5 from a TlsKit {@link dev.tlskit.TlsPolicy}. HttpClient is declared
 * {@code provided}: add {@code org.apache.httpcomponents.client5:httpclient5} yourself. HttpClient 5 and HttpCore 5
 * are automatic modules (no module-info, an Automatic-Module-Name in their manifests).
 */
module dev.tlskit.httpclient5 {
  requires transitive dev.tlskit.core;
  requires transitive org.apache.httpcomponents.client5.httpclient5;
  requires org.apache.httpcomponents.core5.httpcore5;
  exports dev.tlskit.httpclient5;
}
