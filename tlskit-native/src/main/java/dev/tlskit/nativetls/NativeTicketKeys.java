package dev.tlskit.nativetls;

import dev.tlskit.SessionTicketKeys;
import dev.tlskit.certs.TicketKeyFile;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSessionContext;

/**
 * Session-ticket keys read from a {@link TicketKeyFile} and installed in the native engine (BoringSSL), so that every
 * {@code TlsServer} given the same file resumes the sessions of the others, TLS 1.3 and 1.2 alike: the file's first
 * key encrypts new tickets, all of its keys decrypt. Give it to {@code TlsServer.Builder.sessionTicketKeys} on a server
 * whose policy uses the native engine's provider; the server polls the file and installs the keys again when it
 * changes. The JDK's provider cannot take them (it makes its ticket keys inside each session context and has no API
 * to set them) and is refused when the server starts.
 */
public final class NativeTicketKeys implements SessionTicketKeys {
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
    SSLSessionContext sessions = serverContext.getServerSessionContext();
    if (!(sessions instanceof OpenSslSessionContext openSsl)) {
      throw new IllegalArgumentException("session-ticket keys (" + file + ") need the native engine (tlskit-native's "
          + "provider, BoringSSL), but the server's TLS provider is " + serverContext.getProvider().getName()
          + ", which cannot take ticket keys from outside (the JDK's makes them inside each session context and has "
          + "no API to set them); use the native engine's provider in the server's policy, or drop the ticket keys");
    }
    install(openSsl);
  }

  /** Installs the file's keys in a native session context. */
  void install(OpenSslSessionContext sessions) throws IOException {
    List<TicketKeyFile.Key> keys = TicketKeyFile.read(file);
    sessions.setTicketKeys(keys.stream()
        .map(k -> new OpenSslSessionTicketKey(k.name(), k.hmacKey(), k.aesKey()))
        .toArray(OpenSslSessionTicketKey[]::new));
    installed = keys.size() + (keys.size() == 1 ? " key" : " keys") + ", encrypting with " + keys.get(0).id() + "...";
  }

  /** Names the file and, once installed, how many keys and the encrypting key's name; never key bytes. */
  @Override
  public String toString() {
    return "session-ticket keys from " + file + " (" + installed + ")";
  }
}
