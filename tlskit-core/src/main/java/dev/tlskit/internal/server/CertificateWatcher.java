package dev.tlskit.internal.server;

import dev.tlskit.ServerCertificates;
import dev.tlskit.internal.trust.Certs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Polls a server's key material files (certificates and their keys, session-ticket keys) and reloads them when they
 * change.
 */
public final class CertificateWatcher {
  private CertificateWatcher() {}

  /** Re-reads the certificate and key files, and logs what is served now. */
  public static void reload(ServerCertificates certificates) throws IOException {
    certificates.reload();
    ServerEvents.LOG.log(Level.INFO, "reloaded server certificates: {0}", describe(certificates.leaves()));
  }

  /**
   * Polls {@code certificates}' files every {@code interval}, reloading them when they differ from {@code seen} (their
   * {@link #stamp} when the server started), until {@code stopped} or the thread is interrupted.
   */
  public static void watch(ServerCertificates certificates, String seen, Duration interval, BooleanSupplier stopped) {
    watch("certificate", certificates.files(), seen, () -> reload(certificates), interval, stopped);
  }

  /** Reloads files that changed; says what it failed at in its message, never the files' secrets. */
  @FunctionalInterface
  public interface Reload {
    void run() throws IOException;
  }

  /**
   * Polls {@code files} every {@code interval} and runs {@code reload} when any of them changed (modification time or
   * size) since {@code seen} (their {@link #stamp} when they were last read), until {@code stopped} or the thread is
   * interrupted; {@code what} names the files in the log.
   */
  public static void watch(String what, List<Path> files, String seen, Reload reload, Duration interval,
      BooleanSupplier stopped) {
    while (!stopped.getAsBoolean()) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      String now = stamp(files);
      if (now.equals(seen)) continue;
      seen = now;
      try {
        reload.run();
      } catch (IOException | RuntimeException e) {
        // A certificate written before its key fails to match; the next change (the key) triggers a retry.
        ServerEvents.LOG.log(Level.WARNING, what + " files changed but could not be reloaded; keeping the "
            + "previous ones: " + e.getMessage());
      }
    }
  }

  /** Returns what {@link #watch} compares: each file's modification time and size. */
  public static String stamp(List<Path> files) {
    StringBuilder sb = new StringBuilder();
    for (Path f : files) {
      try {
        sb.append(Files.getLastModifiedTime(f).toMillis()).append('/').append(Files.size(f)).append(';');
      } catch (IOException e) {
        sb.append("missing;");
      }
    }
    return sb.toString();
  }

  private static String describe(List<X509Certificate> leaves) {
    return leaves.stream().map(x -> x.getSubjectX500Principal().getName() + " (sha256 "
        + Certs.fingerprint(x).substring(0, 23) + "...)").toList().toString();
  }
}
