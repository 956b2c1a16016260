package dev.tlskit.nativetls;

import dev.tlskit.SessionTicketKeys;
import dev.tlskit.certs.TicketKeyFile;
import dev.tlskit.nativetls.internal.ServerSessions;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Session-ticket keys read from a {@link TicketKeyFile} and installed in the native engine (BoringSSL), so that every
 * {@code TlsServer} given the same file resumes the sessions of the others, TLS 1.3 and 1.2 alike: the file's first
 * key encrypts new tickets, all of its keys decrypt. Give it to {@code TlsServer.Builder.sessionTicketKeys} on a server
 * whose policy uses the native engine's provider; the server polls the file and installs the keys again when it
 * changes. The JDK's provider cannot take them (it makes its ticket keys inside each session context and has no API
 * to set them) and is refused when the server starts.
 * The keys reach every BoringSSL server context of the engine (it keeps one per ALPN list, and per protocols and suites), those made later included.
 */
public final class NativeTicketKeys implements SessionTicketKeys {
  /**
   * The session ID context of every server given ticket keys. BoringSSL resumes a session only in a context with the
   * session ID context it was made in, and netty salts that value at random for each context whose trust or keys
   * come from managers (as the native provider's do), so without one shared value a ticket that every instance
   * decrypts would still resume on the issuing instance only. Servers sharing a key file are one service: give them
   * the same certificates, policy and client authentication. At most 32 bytes (BoringSSL's limit).
   */
  private static final byte[] FLEET_CONTEXT = "tlskit shared ticket keys v1".getBytes(StandardCharsets.US_ASCII);
  private final Path file;
  private volatile String installed = "not installed yet";

  private NativeTicketKeys(Path file) {
    this.file = file;
  }

  /** Returns the keys of {@code file} (read when a server starts, and again whenever the file changes). */
  public static NativeTicketKeys fromFile(Path file) {
    return new NativeTicketKeys(Objects.requireNonNull(file, "file"));
  }

  @Override
  public List<Path> files() {
    return List.of(file);
  }

  /**
   * Reads the file and installs its keys in {@code serverContext}, which must come from the native engine.
   *
   * @throws IllegalArgumentException when {@code serverContext} is another provider's (the message names it)
   * @throws dev.tlskit.certs.CertificateFileException when the file cannot be used (see {@link TicketKeyFile#read})
   */
  @Override
  public void install(SSLContext serverContext) throws IOException {
    if (!(serverContext.getServerSessionContext() instanceof ServerSessions sessions)) {
      throw new IllegalArgumentException("session-ticket keys (" + file + ") need the native engine (tlskit-native's "
          + "provider, BoringSSL), but the server's TLS provider is " + serverContext.getProvider().getName()
          + ", which cannot take ticket keys from outside (the JDK's makes them inside each session context and has "
          + "no API to set them); use the native engine's provider in the server's policy, or drop the ticket keys");
    }
    List<TicketKeyFile.Key> keys = TicketKeyFile.read(file);
    sessions.shareTickets(FLEET_CONTEXT, ticketKeys(keys));
    installed(keys);
  }

  /** Installs the file's keys, and the session ID context all servers share, in one of netty's own contexts. */
  void install(OpenSslSessionContext sessions) throws IOException {
    List<TicketKeyFile.Key> keys = TicketKeyFile.read(file);
    if (sessions instanceof OpenSslServerSessionContext server && !server.setSessionIdContext(FLEET_CONTEXT)) {
      throw new IllegalStateException("BoringSSL refused the session ID context of a fleet");
    }
    sessions.setTicketKeys(ticketKeys(keys));
    installed(keys);
  }

  private static OpenSslSessionTicketKey[] ticketKeys(List<TicketKeyFile.Key> keys) {
    return keys.stream().map(k -> new OpenSslSessionTicketKey(k.name(), k.hmacKey(), k.aesKey()))
        .toArray(OpenSslSessionTicketKey[]::new);
  }

  private void installed(List<TicketKeyFile.Key> keys) {
    installed = keys.size() + (keys.size() == 1 ? " key" : " keys") + ", encrypting with " + keys.get(0).id() + "...";
  }

  /** Names the file and, once installed, how many keys and the encrypting key's name; never key bytes. */
  @Override
  public String toString() {
    return "session-ticket keys from " + file + " (" + installed + ")";
  }
}
