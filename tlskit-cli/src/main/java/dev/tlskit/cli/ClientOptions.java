package dev.tlskit.cli;

import dev.tlskit.CertifiedKey;
import dev.tlskit.SecurityInfo;
import dev.tlskit.ProxyConfig;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsPolicy;
import dev.tlskit.bc.PostQuantum;
import dev.tlskit.Trust;
import dev.tlskit.Weakening;
import dev.tlskit.certs.CertificateFileException;
import dev.tlskit.certs.KeyFiles;
import dev.tlskit.certs.TrustBundle;
import dev.tlskit.internal.tls.Algorithms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Turns the {@link GlobalOptions} into a {@link TlsPolicy} and a {@link TlsClient}, so every network command reads
 * trust, client certificates, timeouts and the proxy the same way. Unusable local files become usage errors (exit 2).
 */
final class ClientOptions {
  private ClientOptions() {}

  /**
   * Returns a policy builder from the {@code --policy} preset, with the lowest version, trust and client certificate
   * the flags name. {@code --tls-min 1.0|1.1} opens the library's dangerous() door, only with {@code --policy
   * legacy}, warns on stderr, and lifts the JDK's JVM-wide disabling of those versions for this process (one CLI run
   * is one user's decision about one server; nothing else in the process uses TLS before it).
   */
  static TlsPolicy.Builder policy(GlobalOptions g) {
    TlsPolicy.Builder b = switch (g.policy.toLowerCase(Locale.ROOT)) {
      case "modern" -> TlsPolicy.MODERN.toBuilder();
      case "strict" -> TlsPolicy.STRICT.toBuilder();
      case "legacy" -> TlsPolicy.LEGACY_COMPATIBLE.toBuilder();
      default -> throw new UsageException("--policy must be modern, strict or legacy: " + g.policy);
    };
    ProviderOption.apply(g.provider, b);
    if (g.tlsMin != null) tlsMin(g, b);
    if (g.trust != null) b.trust(trust(g));
    if (g.key != null && g.cert == null) throw new UsageException("--key needs --cert");
    if (g.certAlias != null && !Pkcs11Option.names(g.cert)) {
      throw new UsageException("--cert-alias needs --cert pkcs11:CONFIG_FILE");
    }
    if (Pkcs11Option.names(g.cert)) Pkcs11Option.apply(g, b);
    else if (g.cert != null) b.clientCertificate(clientCertificate(g));
    return b;
  }

  /**
   * Returns {@code policy} offering {@code groups} ({@code --groups}), through BouncyCastle's JSSE when they name a
   * post-quantum hybrid group and the policy's provider is not the native engine, which negotiates it itself
   * ({@link PostQuantum#withGroups}); the policy itself when none were given.
   */
  static TlsPolicy withGroups(TlsPolicy policy, List<String> groups) {
    if (groups == null || groups.isEmpty()) return policy;
    try {
      return PostQuantum.withGroups(policy, groups);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--groups: " + e.getMessage(), e);
    }
  }

  private static void tlsMin(GlobalOptions g, TlsPolicy.Builder b) {
    String v = g.tlsMin.startsWith("TLSv") ? g.tlsMin.substring(4) : g.tlsMin;
    try {
      if (v.equals("1.0") || v.equals("1.1")) {
        if (!g.policy.equalsIgnoreCase("legacy")) {
          throw new UsageException("--tls-min " + g.tlsMin + " needs --policy legacy: TLS 1.0 and 1.1 are"
              + " deprecated (RFC 8996) and reachable only through the legacy policy");
        }
        TlsPolicy door = b.dangerous().allowTls10And11().minimumProtocol(v).build();
        Algorithms.enableInJvm(Algorithms.union(door.protocols(), door.cipherSuites()));
        g.warn("--tls-min " + g.tlsMin + " allows TLS " + v + (v.equals("1.0") ? " and 1.1" : "")
            + ": deprecated protocols (RFC 8996) with SHA-1/MD5 handshakes and CBC only; use them only for a server"
            + " that cannot be upgraded");
      } else {
        b.minimumProtocol(v);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--tls-min: " + e.getMessage(), e);
    }
  }

  /**
   * Returns a client builder for {@code policy} with the flags' timeout and proxy; every handshake's weakenings are
   * printed as warnings on stderr.
   */
  static TlsClient.Builder client(GlobalOptions g, TlsPolicy policy) {
    if (g.timeoutSeconds <= 0) throw new UsageException("--timeout must be a positive number of seconds");
    TlsClient.Builder b = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(g.timeoutSeconds))
        .onHandshake(info -> warnWeakenings(g, info));
    ProxyConfig proxy = proxy(g);
    return proxy == null ? b : b.proxy(proxy);
  }

  /** Prints what {@code info} negotiated below the modern policy as warnings on stderr. */
  static void warnWeakenings(GlobalOptions g, SecurityInfo info) {
    for (Weakening w : info.weakenings()) {
      g.warn("weaker than the modern policy: " + w.describe()
          + (w.door() == null ? "" : " (dangerous door " + w.door() + ")"));
    }
  }

  /**
   * Returns the proxy of --proxy, with the password of --proxy-password-env (which needs a user in the URI), or null
   * without --proxy. The password comes only from the environment: a command line is visible to every local user.
   */
  static ProxyConfig proxy(GlobalOptions g) {
    if (g.proxy == null) {
      if (g.proxyPasswordEnv != null) throw new UsageException("--proxy-password-env needs --proxy");
      return null;
    }
    char[] pw = g.proxyPasswordEnv == null ? null
        : GlobalOptions.secretFromEnv("--proxy-password-env", g.proxyPasswordEnv);
    try {
      ProxyConfig p = ProxyConfig.parse(g.proxy, pw);
      if (pw != null && p.user() == null) {
        throw new UsageException("--proxy-password-env needs a user in --proxy (socks5://USER@host:port): "
            + g.proxy);
      }
      return p;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--proxy: " + e.getMessage(), e);
    } finally {
      if (pw != null) java.util.Arrays.fill(pw, '\0');
    }
  }

  /** Returns a client following the global flags and the default policy otherwise. */
  static TlsClient client(GlobalOptions g) {
    return client(g, policy(g).build()).build();
  }

  /** Returns the name to verify the peer as: --peer-name, else the host dialled. */
  static String peerName(GlobalOptions g, String host) {
    return g.peerName != null ? g.peerName : host;
  }

  private static Trust trust(GlobalOptions g) {
    char[] pw = g.trustPasswordEnv == null ? null : GlobalOptions.secretFromEnv("--trust-password-env",
        g.trustPasswordEnv);
    try {
      return Trust.anchors(TrustBundle.load(g.trust, pw));
    } catch (CertificateFileException e) {
      if (e.problem() == CertificateFileException.Problem.WRONG_FORMAT) {
        try {
          return Trust.fromKeyStore(g.trust, pw); // JKS, which tlskit-certs does not read
        } catch (IOException ignored) {
          // report the first, more specific error
        }
      }
      throw new UsageException("--trust " + e.getMessage(), e);
    }
  }

  private static CertifiedKey clientCertificate(GlobalOptions g) {
    char[] pw = g.certPasswordEnv == null ? null : GlobalOptions.secretFromEnv("--cert-password-env",
        g.certPasswordEnv);
    try {
      if (g.key != null) return KeyFiles.readPem(g.cert, g.key, pw);
      if (isPem(g.cert)) return KeyFiles.readPem(g.cert, g.cert, pw);
      try {
        return KeyFiles.readPkcs12(g.cert, pw);
      } catch (CertificateFileException e) {
        if (e.problem() != CertificateFileException.Problem.WRONG_FORMAT) throw e;
        return CertifiedKey.fromKeyStore(g.cert, pw, null); // JKS
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--cert: " + e.getMessage(), e);
    }
  }

  private static boolean isPem(Path file) {
    try {
      byte[] head = Files.readAllBytes(file);
      return new String(head, 0, Math.min(head.length, 4096), StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
    } catch (IOException e) {
      throw new UsageException("--cert: cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
