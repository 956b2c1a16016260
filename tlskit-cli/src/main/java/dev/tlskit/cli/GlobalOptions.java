package dev.tlskit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The flags every network command shares (README, docs/guide.md): trust, expected peer name, client certificate,
 * timeout, proxy, JSON output. Mixed into each subcommand so they may be given after the subcommand name. {@link ClientOptions}
 * turns them into a policy and a client.
 */
final class GlobalOptions {
  @Option(names = "--trust", paramLabel = "FILE",
      description = "PEM bundle, DER certificate, PKCS#12 or JKS trust store replacing the default roots.")
  Path trust;

  @Option(names = "--trust-password-env", paramLabel = "VAR",
      description = "Environment variable holding the password of a --trust key store (if it has one).")
  String trustPasswordEnv;

  @Option(names = "--peer-name", paramLabel = "NAME",
      description = "Name to verify the peer certificate against (default: the host dialled).")
  String peerName;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "Client certificate: PEM chain (with --key), PEM chain+key in one file, PKCS#12/JKS, or"
          + " pkcs11:CONFIG_FILE for a smart card or HSM (a SunPKCS11 configuration file; the PIN in"
          + " --cert-password-env; the first valid key whose issuer the server accepts, or --cert-alias).")
  Path cert;

  @Option(names = "--cert-alias", paramLabel = "ALIAS",
      description = "With --cert pkcs11:CONFIG_FILE: present the token's key under this alias (its label).")
  String certAlias;

  @Option(names = "--key", paramLabel = "FILE",
      description = "PEM private key for --cert (PKCS#8, PKCS#1, SEC1; encrypted with --cert-password-env).")
  Path key;

  @Option(names = "--cert-password-env", paramLabel = "VAR",
      description = "Environment variable holding the password of --cert (PKCS#12) or --key (encrypted PEM), or the"
          + " PIN of a --cert pkcs11: token.")
  String certPasswordEnv;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "Timeout for connect, handshake, each read and each write (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--proxy", paramLabel = "URI",
      description = "Tunnel every connection through socks5://[user@]host:port or http://[user@]host:port"
          + " (HTTP CONNECT); the password goes in --proxy-password-env, never in the URI.")
  String proxy;

  @Option(names = "--proxy-password-env", paramLabel = "VAR",
      description = "Environment variable holding the password of the --proxy user.")
  String proxyPasswordEnv;

  @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
  boolean json;

  @Option(names = "--policy", paramLabel = "NAME", defaultValue = "modern",
      description = "TLS policy: modern (default: TLS 1.3/1.2, forward-secret AEAD), strict (TLS 1.3 only) or legacy"
          + " (adds forward-secret AES-CBC and DHE suites and the subject-CN fallback, for old servers; what it"
          + " weakens is printed as a warning).")
  String policy;

  @Option(names = "--tls-min", paramLabel = "VERSION",
      description = "Lowest TLS version: 1.2 (default) or 1.3; 1.1 or 1.0 only with --policy legacy (dangerous:"
          + " deprecated protocols, printed as a warning).")
  String tlsMin;

  @Option(names = "--provider", paramLabel = "jdk|native", defaultValue = "jdk",
      description = ProviderOption.DESCRIPTION)
  String provider;

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** Prints {@code text} as a warning on stderr, once per text (FTP data connections repeat their handshakes). */
  void warn(String text) {
    if (!warned.add(text)) return;
    PrintWriter err = mixee.commandLine().getErr();
    err.println("tlskit: warning: " + text);
    err.flush();
  }

  /** Returns the value of the environment variable named by an option, or fails with a usage error. */
  static char[] secretFromEnv(String option, String var) {
    String v = System.getenv(var);
    if (v == null) throw new UsageException(option + " names environment variable " + var + ", which is not set");
    return v.toCharArray();
  }
}
