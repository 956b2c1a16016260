package dev.tlskit.nativetls;

import io.netty.handler.ssl.OpenSsl;

/** The native TLS engine: whether it can run on this machine, and what it is. */
public final class NativeTls {
  private NativeTls() {}

  /** Returns true when BoringSSL's native library loads on this machine. */
  public static boolean isAvailable() {
    return OpenSsl.isAvailable();
  }

  /** Returns the native library's version text ("BoringSSL"), or why it is unavailable. */
  public static String version() {
    return OpenSsl.isAvailable() ? OpenSsl.versionString() : "unavailable: " + OpenSsl.unavailabilityCause();
  }
}
