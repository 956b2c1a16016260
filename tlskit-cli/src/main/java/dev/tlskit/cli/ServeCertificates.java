package dev.tlskit.cli;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyFiles;
import dev.tlskit.certs.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Makes the certificates {@code tlskit serve} presents: from files (reloadable), or a throwaway CA and leaf. */
final class ServeCertificates {
  private ServeCertificates() {}

  /**
   * Reads the server's credential, again on every reload: a PEM chain with a PEM key (PKCS#8, PKCS#1, SEC1,
   * encrypted), or a PKCS#12 file when {@code key} is null. The password comes from {@code passwordEnv}, if named.
   */
  static ServerCertificates fromFiles(Path cert, Path key, String passwordEnv) {
    char[] password = passwordEnv == null ? null : GlobalOptions.secretFromEnv("--cert-password-env", passwordEnv);
    try {
      ServerCertificates.Loader loader = () ->
          key == null ? KeyFiles.readPkcs12(cert, password) : KeyFiles.readPem(cert, key, password);
      return key == null ? ServerCertificates.builder().add(loader, cert).build()
          : ServerCertificates.builder().add(loader, cert, key).build();
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * Makes a throwaway CA and a leaf it signs for localhost, 127.0.0.1, ::1 and the addresses listened on; writes the
   * CA certificate to a temporary file and says how to trust it.
   */
  static ServerCertificates selfSigned(List<InetSocketAddress> listen, PrintWriter out) throws IOException {
    HeldCertificate ca = HeldCertificate.root("tlskit serve throwaway CA");
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    for (InetSocketAddress a : listen) {
      if (!a.getAddress().isAnyLocalAddress()) names.add(a.getAddress().getHostAddress());
    }
    HeldCertificate leaf = HeldCertificate.leaf(ca, names.toArray(String[]::new));
    Path caFile = Files.createTempFile("tlskit-serve-ca-", ".pem");
    Pem.writeCertificates(caFile, List.of(ca.certificate()));
    caFile.toFile().deleteOnExit();
    out.println("tlskit serve: throwaway certificate for " + String.join(", ", names) + "; trust its CA with --trust "
        + caFile + " (openssl: -CAfile " + caFile + ")");
    return ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain()));
  }
}
