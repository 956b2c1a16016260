package dev.tlskit.cli;

import dev.tlskit.ServerCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Makes the certificates {@code tlskit serve} presents: from PEM files, or a throwaway self-signed one. */
final class ServeCertificates {
  private ServeCertificates() {}

  /** Reads a PEM certificate chain and PEM key, re-read on reload. */
  static ServerCertificates fromFiles(Path cert, Path key, String passwordEnv) {
    try {
      return ServerCertificates.builder().addPemFiles(cert, key).build();
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /** Generates a self-signed certificate for localhost and 127.0.0.1 and says where its PEM was written. */
  static ServerCertificates selfSigned(PrintWriter out) {
    throw new UsageException("--self-signed needs tlskit-certs' certificate builder (not yet available)");
  }
}
