package dev.tlskit.ftp;

import dev.tlskit.ProtocolException;

/**
 * Signals that the server refused a protected data connection that did not resume the control connection's TLS
 * session. Servers such as vsftpd ({@code require_ssl_reuse=YES}, answering {@code 522 SSL connection failed: session
 * reuse required}), ProFTPD (mod_tls without {@code NoSessionReuseRequired}, answering {@code 425}) and FileZilla
 * Server demand that resumption (RFC 4217 section 10.2); the client tries it on every data connection, and a server
 * that does not demand it is served without it. The command line maps this, a server refusal, to exit code 1.
 */
public final class SessionReuseRequiredException extends ProtocolException {
  private final transient DataProtection protection;

  SessionReuseRequiredException(String message, FtpReply reply, DataProtection protection, Throwable cause) {
    super(message, String.valueOf(reply.code()), reply.fullText(), cause);
    this.protection = protection;
  }

  /** Returns how the refused data connection was protected (its TLS version, and the resumption mechanism tried). */
  public DataProtection protection() {
    return protection;
  }
}
