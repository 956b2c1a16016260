package dev.tlskit.cli;

import dev.tlskit.CertifiedKey;
import dev.tlskit.certs.CertificateFileException;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Where {@code tlskit cert} keeps its files, and how it writes them: no silent overwrite, private keys 0600. */
final class CertFiles {
  static final String CA_CERT = "ca.pem";
  static final String CA_KEY = "ca-key.pem";
  static final String CERT = "cert.pem";
  static final String KEY = "key.pem";
  static final String PKCS12 = "cert.p12";
  /** A century: beyond it X.509 dates get odd (year 9999 is the last GeneralizedTime can say) and nobody needs it. */
  static final int MAX_DAYS = 36_500;

  private CertFiles() {}

  /** Creates {@code dir} if needed and refuses to replace any of {@code names} in it unless {@code force}. */
  static void prepare(Path dir, boolean force, String... names) {
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new UsageException(dir + " exists and is not a directory");
    } catch (IOException e) {
      throw new UsageException("cannot create directory " + dir + ": " + reason(e), e);
    }
    if (force) return;
    for (String n : names) {
      Path p = dir.resolve(n);
      if (Files.exists(p)) throw new UsageException(p + " already exists; use --force to replace it");
    }
  }

  /** A write to a local file that may fail. */
  interface Write {
    void run() throws IOException;
  }

  /** Runs a write, turning a failure into a usage error that names the file (exit 2, not a network error). */
  static void write(Path file, Write write) {
    try {
      write.run();
    } catch (IOException e) {
      throw new UsageException("cannot write " + file + ": " + reason(e), e);
    }
  }

  /** Loads the CA of a directory made by {@code tlskit cert ca}. */
  static HeldCertificate loadCa(Path dir, char[] password) throws CertificateFileException {
    if (!Files.isDirectory(dir)) {
      throw new UsageException("--ca " + dir + ": expected a CA directory (made by 'tlskit cert ca'), "
          + (Files.exists(dir) ? "found a file" : "found nothing there"));
    }
    CertifiedKey ca = KeyFiles.readPem(dir.resolve(CA_CERT), dir.resolve(CA_KEY), password);
    if (ca.leaf().getBasicConstraints() < 0) {
      throw new UsageException(dir.resolve(CA_CERT) + ": expected a CA certificate, found one with CA:false ("
          + ca.leaf().getSubjectX500Principal().getName() + ")");
    }
    return HeldCertificate.of(ca.privateKey(), ca.chain());
  }

  static String date(Instant instant) {
    return DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(instant);
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : e instanceof java.nio.file.NoSuchFileException ? "no such directory"
        : m == null ? e.getClass().getSimpleName() : m;
  }
}
