package dev.tlskit.cli;

import dev.tlskit.certs.KeyType;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tlskit cert}: throwaway PKI, in subcommands {@code ca}, {@code issue} and {@code show}; and {@code
 * ticket-keys}, the session-ticket key file of a server fleet.
 */
@Command(name = "cert", mixinStandardHelpOptions = true,
    description = "Create a CA, issue certificates, show certificate files, make session-ticket key files.",
    subcommands = {CertCaCommand.class, CertIssueCommand.class, CertShowCommand.class, CertTicketKeysCommand.class},
    footerHeading = "%nFiles:%n",
    footer = {
        "  cert ca --out DIR writes:",
        "    ca.pem       the CA certificate, for peers to trust (--trust DIR/ca.pem)",
        "    ca-key.pem   its key: PKCS#8 PEM, mode 0600, encrypted with --password-env",
        "  cert issue --out DIR writes:",
        "    cert.pem     the certificate, then the CA chain (without a self-signed root)",
        "    key.pem      its key: PKCS#8 PEM, mode 0600, encrypted with --encrypt-key",
        "    cert.p12     key and chain as PKCS#12 (AES-256), only with --password-env",
        "  cert ticket-keys --out FILE writes:",
        "    FILE         session-ticket keys, mode 0600, newest first (--rotate adds one)",
        "  No file is replaced without --force; 'cert ca' keeps an existing CA."})
final class CertCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The {@code --key-type} option of {@code cert ca} and {@code cert issue}. */
  static final class KeyTypeOption {
    @CommandLine.Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
        converter = KeyTypeConverter.class, completionCandidates = KeyTypeNames.class,
        description = "Key type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    KeyType keyType;
  }

  /** Converts {@code --key-type} values such as {@code ec-p256} or {@code rsa3072}. */
  static final class KeyTypeConverter implements CommandLine.ITypeConverter<KeyType> {
    @Override
    public KeyType convert(String value) {
      try {
        return KeyType.fromCliName(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Lists the {@code --key-type} values for help and completion. */
  static final class KeyTypeNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(KeyType.values()).map(KeyType::cliName).iterator();
    }
  }
}
