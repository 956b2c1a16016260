package dev.tlskit;

import dev.tlskit.internal.server.CertificateSnapshot;
import dev.tlskit.internal.server.SniKeyManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Holds the certificates a {@link TlsServer} presents, chosen per handshake by the name the client asked for (SNI),
 * and reloads them from their files while the server runs. The first credential added is the default, presented when
 * the client sent no name or a name no credential covers. Live connections keep the certificate they were
 * handshaked with; a reload affects new handshakes only. Thread-safe.
 */
public final class ServerCertificates {
  /** Reads one credential; called at build time and on every reload. */
  @FunctionalInterface
  public interface Loader {
    CertifiedKey load() throws IOException, GeneralSecurityException;
  }

  private record Source(Loader loader, List<Path> files) {}

  private static final AtomicLong GENERATIONS = new AtomicLong();

  private final List<Source> sources;
  private volatile CertificateSnapshot current;
  private volatile CertificateSnapshot previous;

  private ServerCertificates(List<Source> sources) throws IOException {
    this.sources = List.copyOf(sources);
    this.current = loadAll();
    this.previous = current;
  }

  /** Returns a builder; add at least one credential. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns certificates holding one fixed credential (never reloaded). */
  public static ServerCertificates of(CertifiedKey key) {
    try {
      return builder().add(key).build();
    } catch (IOException e) {
      throw new IllegalStateException("a fixed credential cannot fail to load", e);
    }
  }

  /**
   * Re-reads every credential from its source and swaps them in atomically for new handshakes. When any source
   * fails, nothing changes and the error is thrown, naming the file.
   */
  public void reload() throws IOException {
    CertificateSnapshot next = loadAll();
    synchronized (this) {
      previous = current;
      current = next;
    }
  }

  /** Returns the files the credentials are read from, for watching. */
  public List<Path> files() {
    return sources.stream().flatMap(s -> s.files().stream()).toList();
  }

  /** Returns the leaf certificate of every credential currently loaded, the default first. */
  public List<X509Certificate> leaves() {
    return current.entries().stream().map(e -> e.chain().get(0)).toList();
  }

  /**
   * Returns a key manager that presents these credentials: per handshake it picks the one for the name the client
   * asked for (SNI) and the key type the handshake allows, from the credentials current at that moment, so a {@link
   * #reload()} takes effect for the next handshake. For TLS servers built on other libraries (tlskit-netty); {@link
   * TlsServer} uses the same one.
   */
  public X509ExtendedKeyManager keyManager() {
    return new SniKeyManager(this::snapshot, this::snapshotFor);
  }

  CertificateSnapshot snapshot() {
    return current;
  }

  /** Returns the snapshot an alias chosen during a handshake belongs to, even across a concurrent reload. */
  CertificateSnapshot snapshotFor(String alias) {
    CertificateSnapshot c = current;
    if (c.owns(alias)) return c;
    CertificateSnapshot p = previous;
    return p.owns(alias) ? p : null;
  }

  private CertificateSnapshot loadAll() throws IOException {
    long generation = GENERATIONS.incrementAndGet();
    List<CertificateSnapshot.Entry> entries = new ArrayList<>();
    for (Source s : sources) {
      CertifiedKey c;
      try {
        c = s.loader().load();
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new IOException("cannot load server certificate" + (s.files().isEmpty() ? "" : " from " + s.files())
            + ": " + e.getMessage(), e);
      }
      entries.add(new CertificateSnapshot.Entry(
          "tlskit-" + generation + "-" + entries.size(), c.privateKey(), c.chain()));
    }
    return new CertificateSnapshot(entries);
  }

  /** Builds {@link ServerCertificates}. */
  public static final class Builder {
    private final List<Source> sources = new ArrayList<>();

    private Builder() {}

    /** Adds a fixed credential. */
    public Builder add(CertifiedKey key) {
      Objects.requireNonNull(key, "key");
      sources.add(new Source(() -> key, List.of()));
      return this;
    }

    /**
     * Adds a credential read from a PEM certificate chain and a PKCS#8 PEM key (see {@link CertifiedKey#fromPem}),
     * re-read on reload. Other key formats (PKCS#1, SEC1, legacy encrypted) are read by tlskit-certs: pass its
     * reader through {@link #add(Loader, Path...)}.
     */
    public Builder addPemFiles(Path chain, Path key) {
      return add(() -> CertifiedKey.fromPem(chain, key, null), chain, key);
    }

    /** Adds a credential produced by {@code loader}, re-run on reload; {@code files} are what a watch observes. */
    public Builder add(Loader loader, Path... files) {
      sources.add(new Source(Objects.requireNonNull(loader, "loader"), List.of(files)));
      return this;
    }

    /** Loads every credential now; fails naming the file that could not be read. */
    public ServerCertificates build() throws IOException {
      if (sources.isEmpty()) throw new IllegalStateException("add at least one server credential");
      return new ServerCertificates(sources);
    }
  }
}
