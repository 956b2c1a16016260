package dev.tlskit.cli;

import dev.tlskit.certs.CertificateFileException;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Keys;
import dev.tlskit.certs.Pem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlskit cert ca}: creates a self-signed CA in a directory. */
@Command(name = "ca", mixinStandardHelpOptions = true,
    description = "Create a self-signed certificate authority: DIR/ca.pem and DIR/ca-key.pem (mode 0600). "
        + "Trust ca.pem where you test; keep ca-key.pem to yourself.")
final class CertCaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write to (created).")
  Path out;

  @Option(names = "--name", paramLabel = "NAME",
      description = "Common name of the CA (default: 'TlsKit Local CA' and a random suffix).")
  String name;

  @CommandLine.Mixin CertCommand.KeyTypeOption keyTypeOption;

  @Option(names = "--days", paramLabel = "N", defaultValue = "3650",
      description = "Validity in days (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--path-length", paramLabel = "N", defaultValue = "0",
      description = "How many intermediate CAs may sit below this one (default: ${DEFAULT-VALUE}: leaves only).")
  int pathLength;

  @Option(names = "--password-env", paramLabel = "VAR",
      description = "Encrypt ca-key.pem with the password in environment variable VAR (default: unencrypted, 0600).")
  String passwordEnv;

  @Option(names = "--force",
      description = "Replace an existing CA. Without it an existing, loadable CA in DIR is kept (and reported).")
  boolean force;

  @Override
  public Integer call() throws CertificateFileException {
    if (days <= 0 || days > CertFiles.MAX_DAYS) {
      throw new UsageException("--days must be between 1 and " + CertFiles.MAX_DAYS + ": " + days);
    }
    if (pathLength < 0) throw new UsageException("--path-length must be >= 0: " + pathLength);
    char[] password = passwordEnv == null ? null : GlobalOptions.secretFromEnv("--password-env", passwordEnv);
    if (!force && Files.exists(out.resolve(CertFiles.CA_CERT)) && Files.exists(out.resolve(CertFiles.CA_KEY))) {
      return keepExisting(password);
    }
    CertFiles.prepare(out, force, CertFiles.CA_CERT, CertFiles.CA_KEY);
    String commonName = name != null ? name
        : "TlsKit Local CA " + HexFormat.of().toHexDigits(new SecureRandom().nextInt());
    HeldCertificate ca;
    try {
      ca = HeldCertificate.builder().commonName(commonName).keyType(keyTypeOption.keyType)
          .certificateAuthority(pathLength).validFor(Duration.ofDays(days)).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    Path certFile = out.resolve(CertFiles.CA_CERT);
    Path keyFile = out.resolve(CertFiles.CA_KEY);
    CertFiles.write(keyFile, () -> Pem.writePrivateKey(keyFile, ca.privateKey(), password));
    CertFiles.write(certFile, () -> Pem.writeCertificates(certFile, List.of(ca.certificate())));

    PrintWriter o = spec.commandLine().getOut();
    o.printf("Created CA '%s' (%s, valid until %s):%n", commonName, Keys.describe(ca.certificate().getPublicKey()),
        CertFiles.date(ca.certificate().getNotAfter().toInstant()));
    String w = "%-" + keyFile.toString().length() + "s";
    o.printf("  " + w + "  the CA certificate: trust it where you test (--trust %s)%n", certFile, certFile);
    o.printf("  " + w + "  its private key (mode 0600%s): keep it to yourself%n", keyFile,
        password != null ? ", encrypted" : "");
    o.printf("Next: tlskit cert issue --ca %s --name localhost --ip 127.0.0.1 --out DIR%n", out);
    o.flush();
    return ExitCodes.OK;
  }

  /** Leaves a complete, loadable CA alone, so that running the same command twice is harmless. */
  private int keepExisting(char[] password) throws CertificateFileException {
    HeldCertificate ca = CertFiles.loadCa(out, password);
    PrintWriter o = spec.commandLine().getOut();
    o.printf("Keeping the existing CA '%s' in %s (%s, valid until %s); --force replaces it.%n",
        ca.certificate().getSubjectX500Principal().getName(), out, Keys.describe(ca.certificate().getPublicKey()),
        CertFiles.date(ca.certificate().getNotAfter().toInstant()));
    o.flush();
    return ExitCodes.OK;
  }
}
