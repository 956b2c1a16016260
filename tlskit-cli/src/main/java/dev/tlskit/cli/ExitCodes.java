package dev.tlskit.cli;

import dev.tlskit.ProtocolException;
import dev.tlskit.ProxyException;
import dev.tlskit.TlsSecurityException;
import java.io.IOException;

/** The exit codes of the command line, a contract with scripts (listed in the README and docs/guide.md). */
final class ExitCodes {
  static final int OK = 0;
  /** The server refused or broke the protocol; or the proxy refused the tunnel ({@link ProxyException}). */
  static final int REFUSED = 1;
  /** The command line itself was wrong, or a local file could not be used. */
  static final int USAGE = 2;
  /** Handshake or certificate rejected, required upgrade absent or refused, injection detected. */
  static final int SECURITY = 3;
  /** Network failure or timeout, also a proxy that cannot reach the server ({@code TARGET_UNREACHABLE}). */
  static final int NETWORK = 4;

  private ExitCodes() {}

  /** Returns the exit code for an error that ended a command. */
  static int of(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      // The proxy answered: unreachable target as a network failure (as if dialled directly), any other "no" as a
      // refusal. Never 3: nothing of the server's TLS was seen.
      if (c instanceof ProxyException p) {
        return p.reason() == ProxyException.Reason.TARGET_UNREACHABLE ? NETWORK : REFUSED;
      }
      if (c instanceof TlsSecurityException) return SECURITY;
      if (c instanceof ProtocolException) return REFUSED;
      if (c instanceof UsageException) return USAGE;
      if (c instanceof dev.tlskit.certs.CertificateFileException) return USAGE;
    }
    if (t instanceof IOException) return NETWORK;
    return USAGE;
  }
}
