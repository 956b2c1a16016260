package dev.tlskit.nativetls;

/**
 * Thrown when the native TLS engine was asked for but BoringSSL's library cannot load on this machine (another
 * operating system or CPU than the bundled {@code linux-x86_64} build, or a missing C library). The cause is netty's
 * reason.
 */
public final class NativeTlsUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  NativeTlsUnavailableException(Throwable cause) {
    super("the native TLS engine (BoringSSL through netty-tcnative) cannot load on this machine ("
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): "
        + (cause == null ? "unknown reason" : cause.getMessage())
        + (NativeTlsUnavailableException.class.getModule().isNamed()
            ? " (on the module path, BoringSSL's module must be resolved: --add-modules"
                + " io.netty.internal.tcnative.openssl.linux.x86_64, or ALL-MODULE-PATH)" : "")
        + "; use the JDK provider instead (--provider jdk)", cause);
  }
}
