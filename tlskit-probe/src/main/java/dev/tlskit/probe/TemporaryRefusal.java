package dev.tlskit.probe;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The server turned a probe connection away before any TLS was spoken, in a way that says "later": a busy reply
 * (SMTP/FTP 4xx, IMAP {@code * BYE}, POP3 {@code -ERR} at the greeting), or, once it has answered before, a
 * connection refused, reset or closed before the ClientHello. The probe waits and tries again; a server that keeps
 * doing it makes the probe incomplete, never a security failure.
 */
final class TemporaryRefusal extends IOException {
  private static final long serialVersionUID = 1L;
  /** SMTP/FTP 4xx (RFC 5321 section 4.2.1, RFC 959 section 4.2), IMAP BYE (RFC 9051 7.1.5), POP3 -ERR. */
  private static final Pattern BUSY = Pattern.compile("(4\\d\\d([ -].*)?|\\* BYE( .*)?|-ERR( .*)?)",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private final ProbeReport.Incomplete.Cause cause;

  /**
   * @param cause REFUSED when the server said so in its protocol, NETWORK when the connection was refused, reset or
   *     closed
   */
  TemporaryRefusal(ProbeReport.Incomplete.Cause cause, String message, Throwable reason) {
    super(message, reason);
    this.cause = cause;
  }

  ProbeReport.Incomplete.Cause cause() {
    return cause;
  }

  /** Returns true when a server's line where a greeting, a reply or TLS was expected says "busy, try later". */
  static boolean busyReply(String line) {
    return line != null && BUSY.matcher(line.strip()).matches();
  }
}
