package dev.tlskit.internal.tls;

import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one home of the algorithm lists the policy presets and the {@code dangerous()} doors draw from, and of the
 * rules that classify a suite (forward secrecy, CBC, 3DES). JSSE names throughout.
 */
public final class Algorithms {
  private Algorithms() {}

  /** TLS 1.3's AEAD suites. */
  public static final List<String> TLS13_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** TLS 1.2 suites with ECDHE and AEAD: forward secret, authenticated encryption. The default. */
  public static final List<String> TLS12_FS_AEAD_SUITES = List.of(
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** TLS 1.2 suites with finite-field DHE and AEAD (LEGACY_COMPATIBLE). */
  public static final List<String> TLS12_DHE_AEAD_SUITES = List.of(
      "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /**
   * Forward-secret AES-CBC suites (ECDHE or DHE, HMAC-SHA-2 first, then HMAC-SHA-1, the only MACs TLS 1.0/1.1 know)
   * (LEGACY_COMPATIBLE).
   */
  public static final List<String> FS_CBC_SUITES = List.of(
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
      "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
      "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");

  /** RSA key exchange (no forward secrecy) with AEAD: {@code dangerous().allowRsaKeyExchange()}. */
  public static final List<String> RSA_KEX_AEAD_SUITES =
      List.of("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384");

  /** RSA key exchange with AES-CBC: {@code dangerous().allowRsaKeyExchange()} in a policy that allows CBC. */
  public static final List<String> RSA_KEX_CBC_SUITES = List.of(
      "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256",
      "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA");

  /** Triple-DES suites (64-bit blocks): {@code dangerous().allow3des()}; the RSA one also needs RSA key exchange. */
  public static final List<String> TRIPLE_DES_SUITES =
      List.of("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "SSL_RSA_WITH_3DES_EDE_CBC_SHA");

  /** The RFC 9325 groups of MODERN. */
  public static final List<String> MODERN_GROUPS = List.of("x25519", "secp256r1", "x448", "secp384r1");

  /** The groups LEGACY_COMPATIBLE adds: P-521 and finite-field DHE. */
  public static final List<String> LEGACY_EXTRA_GROUPS = List.of("secp521r1", "ffdhe2048", "ffdhe3072", "ffdhe4096");

  /** Signature schemes: SHA-2 and EdDSA only. */
  public static final List<String> MODERN_SIGNATURE_SCHEMES = List.of(
      "ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512", "ed25519", "ed448",
      "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
      "rsa_pss_pss_sha256", "rsa_pss_pss_sha384", "rsa_pss_pss_sha512",
      "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512");

  /** The protocol versions below TLS 1.2, newest first: {@code dangerous().allowTls10And11()}. */
  public static final List<String> OLD_PROTOCOLS = List.of("TLSv1.1", "TLSv1");

  /** The security property in which the JDK (and BouncyCastle's JSSE) disable algorithms for the whole JVM. */
  public static final String JVM_DISABLED_PROPERTY = "jdk.tls.disabledAlgorithms";

  /** Returns true for a TLS 1.3 suite. */
  public static boolean isTls13(String suite) {
    return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
  }

  /** Returns true when {@code suite} has no forward secrecy (RSA key exchange). */
  public static boolean isRsaKeyExchange(String suite) {
    return suite.startsWith("TLS_RSA_") || suite.startsWith("SSL_RSA_");
  }

  /** Returns true for a Triple-DES suite. */
  public static boolean is3des(String suite) {
    return suite.toUpperCase(Locale.ROOT).contains("3DES");
  }

  /** Returns true for a CBC suite (MAC-then-encrypt). */
  public static boolean isCbc(String suite) {
    return suite.toUpperCase(Locale.ROOT).contains("_CBC");
  }

  /** Returns {@code LEGACY_COMPATIBLE}'s suites: the modern ones, then DHE with AEAD, then forward-secret CBC. */
  public static List<String> legacySuites() {
    return union(TLS13_SUITES, TLS12_FS_AEAD_SUITES, TLS12_DHE_AEAD_SUITES, FS_CBC_SUITES);
  }

  /**
   * Returns true when the JDK's default JSSE provider knows {@code group}. The groups of TlsKit's presets and the
   * other FFDHE groups are answered from this class; only another name asks the JDK, once per JVM: that creates the
   * JDK's default TLS context, which reads {@code jdk.tls.disabledAlgorithms} for good, and TlsPolicy's presets are
   * built before a command line may lift that property (see docs/security.md).
   */
  public static boolean jdkKnows(String group) {
    String g = group.toLowerCase(Locale.ROOT);
    return legacyGroups().contains(g) || g.equals("ffdhe6144") || g.equals("ffdhe8192") || JdkGroups.ALL.contains(g);
  }

  /** Returns the named groups the JDK's default JSSE provider knows, in lower case (looked up once). */
  public static Set<String> jdkGroups() {
    return JdkGroups.ALL;
  }

  private static final class JdkGroups {
    static final Set<String> ALL = load();

    private static Set<String> load() {
      Set<String> all = new java.util.TreeSet<>();
      try {
        String[] names = javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters().getNamedGroups();
        if (names != null) {
          for (String n : names) all.add(n.toLowerCase(java.util.Locale.ROOT));
        }
      } catch (java.security.GeneralSecurityException e) {
        // no default context: only the groups every JDK since 11 has
      }
      all.addAll(legacyGroups());
      return Set.copyOf(all);
    }
  }

  /** Returns {@code LEGACY_COMPATIBLE}'s groups: the modern ones, then P-521 and the FFDHE groups. */
  public static List<String> legacyGroups() {
    return union(MODERN_GROUPS, LEGACY_EXTRA_GROUPS);
  }

  /** Returns {@code a} followed by the entries of the other lists that it lacks. */
  @SafeVarargs
  public static List<String> union(List<String> a, List<String>... more) {
    List<String> r = new ArrayList<>(a);
    for (List<String> m : more) {
      for (String s : m) if (!r.contains(s)) r.add(s);
    }
    return List.copyOf(r);
  }

  /**
   * Returns the entries of {@code wanted} (protocol versions or suites) that this JVM's {@code
   * jdk.tls.disabledAlgorithms} disables, as the entries of the property that disable them. JSSE reads the property
   * once, when TLS is first used; a JVM that changed it later still disables what it said then.
   */
  public static List<String> disabledInJvm(List<String> wanted) {
    String value = Security.getProperty(JVM_DISABLED_PROPERTY);
    if (value == null) return List.of();
    List<String> entries = Arrays.stream(value.split(",")).map(String::trim).toList();
    List<String> hits = new ArrayList<>();
    for (String w : wanted) {
      for (String e : entries) {
        boolean hit = e.equals(w)
            || (e.endsWith("*") && w.startsWith(e.substring(0, e.length() - 1)))
            || (e.equals("3DES_EDE_CBC") && is3des(w));
        if (hit && !hits.contains(e)) hits.add(e);
      }
    }
    return hits;
  }

  /**
   * Removes the entries that disable {@code wanted} from this JVM's {@code jdk.tls.disabledAlgorithms}, for a process
   * whose one connection the user asked to weaken (the CLI). It takes effect only when no TLS was used in this JVM
   * before; returns the entries removed.
   */
  public static List<String> enableInJvm(List<String> wanted) {
    List<String> remove = disabledInJvm(wanted);
    if (remove.isEmpty()) return remove;
    String value = Security.getProperty(JVM_DISABLED_PROPERTY);
    List<String> kept = Arrays.stream(value.split(",")).map(String::trim).filter(e -> !remove.contains(e)).toList();
    Security.setProperty(JVM_DISABLED_PROPERTY, String.join(", ", kept));
    return remove;
  }
}
