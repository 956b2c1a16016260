package dev.tlskit.cli;

import dev.tlskit.certs.CertificateFileException;
import dev.tlskit.certs.TrustBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tlskit cert show}: describes every certificate in a PEM, DER or PKCS#12 file. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Show every certificate in FILE (PEM chain or bundle, DER, or PKCS#12 with --password-env): "
        + "subject, issuer, serial, validity, key, alternative names, key usages, SHA-256 fingerprint, SPKI pin.")
final class CertShowCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Certificate file.")
  Path file;

  @Option(names = "--password-env", paramLabel = "VAR",
      description = "Environment variable holding the password of a PKCS#12 file.")
  String passwordEnv;

  @Option(names = "--json", description = "Print a JSON array with one object per certificate.")
  boolean json;

  @Override
  public Integer call() throws CertificateFileException {
    char[] password = passwordEnv == null ? null : GlobalOptions.secretFromEnv("--password-env", passwordEnv);
    List<X509Certificate> certs;
    try {
      certs = TrustBundle.load(file, password);
    } catch (CertificateFileException e) {
      if (e.problem() == CertificateFileException.Problem.PASSWORD_REQUIRED) {
        throw new UsageException(e.getMessage() + " (use --password-env VAR)", e);
      }
      throw e;
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      o.print("[");
      for (int i = 0; i < certs.size(); i++) o.print((i > 0 ? ",\n " : "") + CertInfo.of(certs.get(i)).toJson());
      o.println("]");
      return ExitCodes.OK;
    }
    for (int i = 0; i < certs.size(); i++) {
      if (i > 0) o.println();
      o.printf("Certificate %d of %d in %s%n", i + 1, certs.size(), file);
      o.print(CertInfo.of(certs.get(i)).toText());
    }
    o.flush();
    return ExitCodes.OK;
  }
}
