package dev.tlskit.cli;

import dev.tlskit.certs.CertificateFileException;
import dev.tlskit.certs.ExtendedKeyUsage;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Keys;
import dev.tlskit.certs.Pem;
import dev.tlskit.certs.Pkcs12;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code tlskit cert issue}: issues a server or client certificate signed by a CA directory. */
@Command(name = "issue", mixinStandardHelpOptions = true,
    description = "Issue a certificate signed by the CA in --ca DIR: writes cert.pem (certificate and chain), "
        + "key.pem (mode 0600) and, with --password-env, cert.p12. A server certificate unless --client.")
final class CertIssueCommand implements Callable<Integer> {
  /** The longest validity browsers accept for a server certificate (CA/Browser Forum baseline). */
  private static final String DEFAULT_DAYS = "397";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--ca", required = true, paramLabel = "DIR", description = "CA directory made by 'tlskit cert ca'.")
  Path caDir;

  @Option(names = "--ca-password-env", paramLabel = "VAR",
      description = "Environment variable holding the password of an encrypted ca-key.pem.")
  String caPasswordEnv;

  @Option(names = "--name", paramLabel = "NAME",
      description = "Name for the certificate (repeatable): a server's DNS name (wildcards like *.example.test "
          + "allowed), or for --client any user or service name (e.g. alice). The first name is the subject CN.")
  List<String> names = new ArrayList<>();

  @Option(names = "--ip", paramLabel = "ADDR", description = "IPv4 or IPv6 address (repeatable).")
  List<String> ips = new ArrayList<>();

  @Option(names = "--email", paramLabel = "ADDR", description = "Email address (repeatable).")
  List<String> emails = new ArrayList<>();

  @Option(names = "--uri", paramLabel = "URI", description = "URI, e.g. spiffe://example.test/svc (repeatable).")
  List<String> uris = new ArrayList<>();

  @Option(names = "--client", description = "Issue a client certificate (extended key usage clientAuth).")
  boolean client;

  @Option(names = "--server",
      description = "Issue a server certificate (serverAuth): the default; with --client, the certificate gets both.")
  boolean server;

  @Option(names = "--days", paramLabel = "N", defaultValue = DEFAULT_DAYS,
      description = "Validity in days, at most the CA's remaining validity (default: ${DEFAULT-VALUE}).")
  int days;

  @CommandLine.Mixin CertCommand.KeyTypeOption keyTypeOption;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write to (created).")
  Path out;

  @Option(names = "--password-env", paramLabel = "VAR",
      description = "Write cert.p12 protected by the password in environment variable VAR (default: no cert.p12).")
  String passwordEnv;

  @Option(names = "--encrypt-key", description = "Encrypt key.pem with the --password-env password too.")
  boolean encryptKey;

  @Option(names = "--force", description = "Replace existing cert.pem, key.pem and cert.p12.")
  boolean force;

  @Override
  public Integer call() throws CertificateFileException {
    if (names.isEmpty() && ips.isEmpty() && emails.isEmpty() && uris.isEmpty()) {
      throw new UsageException("give at least one --name, --ip, --email or --uri for the certificate");
    }
    if (days <= 0 || days > CertFiles.MAX_DAYS) {
      throw new UsageException("--days must be between 1 and " + CertFiles.MAX_DAYS + ": " + days);
    }
    if (encryptKey && passwordEnv == null) throw new UsageException("--encrypt-key needs --password-env VAR");
    char[] password = passwordEnv == null ? null : GlobalOptions.secretFromEnv("--password-env", passwordEnv);
    char[] caPassword = caPasswordEnv == null ? null
        : GlobalOptions.secretFromEnv("--ca-password-env", caPasswordEnv);
    if (password != null && password.length == 0) {
      throw new UsageException("--password-env " + passwordEnv + " is empty; a PKCS#12 file needs a password");
    }
    HeldCertificate ca = CertFiles.loadCa(caDir, caPassword);
    List<String> files = new ArrayList<>(List.of(CertFiles.CERT, CertFiles.KEY));
    if (password != null) files.add(CertFiles.PKCS12);
    CertFiles.prepare(out, force, files.toArray(String[]::new));

    HeldCertificate.Builder b = HeldCertificate.builder().keyType(keyTypeOption.keyType).signedBy(ca)
        .commonName(commonName())
        .extendedKeyUsages(usages().toArray(ExtendedKeyUsage[]::new));
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    Instant now = Instant.now();
    boolean clamped = now.plus(Duration.ofDays(days)).isAfter(caEnd);
    if (!caEnd.isAfter(now)) {
      throw new UsageException(caDir.resolve(CertFiles.CA_CERT) + ": the CA expired on " + caEnd);
    }
    b.validity(now.minus(Duration.ofHours(1)), clamped ? caEnd : now.plus(Duration.ofDays(days)));
    try {
      names.forEach(b::addSubjectAlternativeName);
      ips.forEach(b::addIpAddress);
      emails.forEach(b::addEmail);
      uris.forEach(b::addUri);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    HeldCertificate leaf = b.build();

    Path certFile = out.resolve(CertFiles.CERT);
    Path keyFile = out.resolve(CertFiles.KEY);
    Path p12File = out.resolve(CertFiles.PKCS12);
    CertFiles.write(keyFile, () -> Pem.writePrivateKey(keyFile, leaf.privateKey(), encryptKey ? password : null));
    CertFiles.write(certFile, () -> Pem.writeCertificates(certFile, leaf.chain()));
    if (password != null) {
      CertFiles.write(p12File, () -> Pkcs12.write(p12File, leaf.certifiedKey(), commonName(), password));
    }

    PrintWriter o = spec.commandLine().getOut();
    o.printf("Issued '%s' (%s, %s, valid until %s), signed by '%s':%n", commonName(),
        Keys.describe(leaf.certificate().getPublicKey()),
        usages().stream().map(ExtendedKeyUsage::toString).collect(Collectors.joining(" and ")),
        CertFiles.date(leaf.certificate().getNotAfter().toInstant()),
        ca.certificate().getSubjectX500Principal().getName());
    String w = "%-" + certFile.toString().length() + "s";
    o.printf("  " + w + "  certificate and chain (%d certificate%s)%n", certFile, leaf.chain().size(),
        leaf.chain().size() == 1 ? "" : "s");
    o.printf("  " + w + "  private key (mode 0600%s)%n", keyFile, encryptKey ? ", encrypted" : "");
    if (password != null) o.printf("  " + w + "  PKCS#12 with both, alias '%s'%n", p12File, commonName());
    else o.printf("  (no PKCS#12 written: add --password-env VAR to get %s)%n", p12File);
    o.printf("Names: %s%n", CertInfo.of(leaf.certificate()).subjectAltNames().stream()
        .collect(Collectors.joining(", ")));
    if (clamped) {
      spec.commandLine().getErr().printf("tlskit: note: validity shortened to the CA's end, %s%n",
          CertFiles.date(caEnd));
    }
    o.flush();
    return ExitCodes.OK;
  }

  private String commonName() {
    for (List<String> l : List.of(names, ips, emails, uris)) {
      if (!l.isEmpty()) return l.get(0);
    }
    throw new IllegalStateException("checked in call()");
  }

  private EnumSet<ExtendedKeyUsage> usages() {
    EnumSet<ExtendedKeyUsage> u = EnumSet.noneOf(ExtendedKeyUsage.class);
    if (server || !client) u.add(ExtendedKeyUsage.SERVER_AUTH);
    if (client) u.add(ExtendedKeyUsage.CLIENT_AUTH);
    return u;
  }
}
