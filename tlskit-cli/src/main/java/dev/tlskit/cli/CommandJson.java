package dev.tlskit.cli;

import dev.tlskit.ProxyException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsSecurityException;
import java.util.Map;

/**
 * The parts of the {@code --json} documents that every network command shares, so that they read the same
 * everywhere: what TLS negotiated, and the error that ended a command.
 */
final class CommandJson {
  private CommandJson() {}

  /**
   * Returns what TLS negotiated as {@link SecurityInfo#jsonTree()} renders it (protocol, cipherSuite,
   * keyExchangeGroup, peer chain, validation, ...), or null when nothing was negotiated.
   */
  static Map<String, Object> security(SecurityInfo info) {
    return info == null ? null : info.jsonTree();
  }

  /**
   * Adds the fields of the error that ended a command: {@code error} (the message), {@code exitCode}, {@code kind}
   * (protocol, usage, security or network, after the exit code), for security failures {@code reason} and {@code
   * validation} (the certificate report, or null), and {@code hint} (the "Try:" advice, or null).
   */
  static void putError(Map<String, Object> m, Throwable e) {
    int code = ExitCodes.of(e);
    m.put("error", Main.message(e));
    m.put("exitCode", code);
    m.put("kind", switch (code) {
      case ExitCodes.REFUSED -> "protocol";
      case ExitCodes.SECURITY -> "security";
      case ExitCodes.NETWORK -> "network";
      default -> "usage";
    });
    TlsSecurityException security = null;
    for (Throwable t = e; t != null && security == null; t = t.getCause()) {
      if (t instanceof TlsSecurityException s) security = s;
    }
    if (security != null) {
      m.put("reason", security.reason());
      m.put("validation", security.report().map(r -> r.jsonTree()).orElse(null));
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProxyException p) {
        Map<String, Object> proxy = new java.util.LinkedHashMap<>();
        proxy.put("proxy", p.proxy());
        proxy.put("reason", p.reason().name());
        proxy.put("replyCode", p.replyCode());
        m.put("proxy", proxy);
        break;
      }
    }
    m.put("hint", ErrorHints.hint(e).orElse(null));
  }
}
