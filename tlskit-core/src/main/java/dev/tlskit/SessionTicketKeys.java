package dev.tlskit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Session-ticket keys a {@link TlsServer} takes from outside instead of making its own, so that the servers of a fleet
 * (behind one load balancer) resume each other's TLS sessions: every instance installs the same keys, the first one
 * encrypting new tickets and all of them decrypting. Set with {@link TlsServer.Builder#sessionTicketKeys}.
 *
 * <p>Only an engine that lets its ticket keys be set can install them: tlskit-native's {@code NativeTicketKeys}
 * (BoringSSL). The JDK's provider (SunJSSE) cannot: it makes the keys inside each server session context and offers no
 * API to set them, so a server with the JDK's provider and ticket keys is refused when it starts.
 *
 * <p>Implementations never reveal key bytes, in {@code toString()} or in exception messages.
 */
public interface SessionTicketKeys {
  /** Returns the files the keys are read from; the server polls them and calls {@link #install} when one changes. */
  List<Path> files();

  /**
   * Reads the keys and installs them in a server's TLS context, for new handshakes only.
   *
   * @throws IllegalArgumentException when the context's provider cannot take ticket keys from outside (the message
   *     names the provider)
   * @throws IOException when the keys cannot be read (the message names the file and what is wrong with it)
   */
  void install(SSLContext serverContext) throws IOException;
}
