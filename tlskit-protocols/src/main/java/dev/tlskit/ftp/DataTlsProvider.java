package dev.tlskit.ftp;

/**
 * Which TLS implementation secures the control and data connections so that data connections can resume the
 * control connection's session. See docs/ftps-session-reuse.md for the measurements behind the choice.
 */
public enum DataTlsProvider {
  /**
   * The JDK for TLS 1.3; when the server negotiates TLS 1.2, the client reconnects (before sending credentials) with
   * BouncyCastle JSSE limited to TLS 1.2, unless JDK session tickets are switched off
   * ({@code -Djdk.tls.client.enableSessionTicketExtension=false}), in which case the JDK resumes TLS 1.2 by session ID.
   * The default.
   */
  AUTO,
  /** The JDK only. Resumes TLS 1.3; resumes TLS 1.2 only by session ID (see {@link #AUTO}). */
  JDK,
  /** BouncyCastle JSSE only. Resumes TLS 1.2; does not resume TLS 1.3, so use it with a TLS 1.2 server. */
  BOUNCY_CASTLE
}
