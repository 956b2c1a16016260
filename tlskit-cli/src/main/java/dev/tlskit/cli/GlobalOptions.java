package dev.tlskit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags every network command shares (DEVELOPERS.md): trust, expected peer name, client certificate, timeout,
 * JSON output. Mixed into each subcommand so they may be given after the subcommand name.
 */
final class GlobalOptions {
  @Option(names = "--trust", paramLabel = "FILE",
      description = "PEM bundle or PKCS#12 trust store replacing the default roots.")
  Path trust;

  @Option(names = "--peer-name", paramLabel = "NAME",
      description = "Name to verify the peer certificate against (default: the host dialled).")
  String peerName;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "Client certificate: PEM chain (with --key) or PKCS#12 (with --cert-password-env).")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "PEM private key for --cert.")
  Path key;

  @Option(names = "--cert-password-env", paramLabel = "VAR",
      description = "Environment variable holding the password of --cert (PKCS#12) or --key (encrypted PEM).")
  String certPasswordEnv;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "Timeout for connect, handshake and each read (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
  boolean json;

  /** Returns the value of the environment variable named by an option, or fails with a usage error. */
  static char[] secretFromEnv(String option, String var) {
    String v = System.getenv(var);
    if (v == null) throw new UsageException(option + " names environment variable " + var + ", which is not set");
    return v.toCharArray();
  }
}
