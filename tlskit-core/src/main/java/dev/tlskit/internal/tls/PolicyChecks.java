package dev.tlskit.internal.tls;

import dev.tlskit.Revocation;
import dev.tlskit.Weakening;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The checks {@code TlsPolicy.Builder} runs on its values: suites that are never allowed, what only a preset or a
 * {@code dangerous()} door may enable (named in the message), contradictions between the lists, pins, and whether
 * this JVM still disables what a door enabled. Every message names the bad value.
 */
public final class PolicyChecks {
  private PolicyChecks() {}

  /** Refuses a suite no policy may hold (NULL, anonymous, export, RC4, DES, MD5, static DH, neither AEAD nor CBC). */
  public static void checkSuite(String s) {
    String u = s.toUpperCase(Locale.ROOT);
    for (String bad : List.of("_NULL", "_ANON_", "EXPORT", "_RC4_", "_DES_", "_DES40", "_MD5", "SSL_")) {
      if ((u.contains(bad) || u.startsWith(bad)) && !Algorithms.TRIPLE_DES_SUITES.contains(s)) {
        throw new IllegalArgumentException("cipher suite is never allowed (" + bad.replace("_", "") + "): " + s);
      }
    }
    boolean aead = Algorithms.isTls13(s) || u.contains("_GCM_") || u.contains("_CHACHA20_POLY1305_")
        || u.contains("_CCM");
    boolean cbc = u.contains("_WITH_AES_") && u.contains("_CBC_") || Algorithms.TRIPLE_DES_SUITES.contains(s);
    if (!aead && !cbc) throw new IllegalArgumentException("cipher suite is neither AEAD nor AES/3DES-CBC: " + s);
    if (u.startsWith("TLS_ECDH_") || u.startsWith("TLS_DH_") || u.startsWith("TLS_PSK_")) {
      throw new IllegalArgumentException("cipher suite with static key exchange is not allowed: " + s);
    }
  }

  /**
   * Refuses empty lists, protocols that no suite of the list can serve, and groups {@code provider} cannot offer
   * ({@link #checkGroups}).
   */
  public static void checkLists(List<String> protocols, List<String> suites, List<String> groups,
      java.security.Provider provider) {
    if (protocols.isEmpty()) throw new IllegalArgumentException("protocols must not be empty");
    if (suites.isEmpty()) throw new IllegalArgumentException("cipherSuites must not be empty");
    if (groups.isEmpty()) throw new IllegalArgumentException("namedGroups must not be empty");
    checkGroups(groups, provider);
    boolean has13 = suites.stream().anyMatch(Algorithms::isTls13);
    boolean has12 = suites.stream().anyMatch(s -> !Algorithms.isTls13(s));
    if (protocols.equals(List.of("TLSv1.3")) && !has13) {
      throw new IllegalArgumentException("protocols " + protocols + " contradict cipherSuites " + suites
          + ": no TLS 1.3 suite");
    }
    if (!protocols.contains("TLSv1.3") && !has12) {
      throw new IllegalArgumentException("protocols " + protocols + " contradict cipherSuites " + suites
          + ": no TLS 1.2 suite");
    }
  }

  /**
   * Refuses named groups the policy's provider cannot offer: with the JDK's provider (null), any group its JSSE does
   * not know, such as the post-quantum hybrids; with a {@link ProviderHook}, what the hook refuses. Another
   * provider is trusted to say so itself at handshake time.
   */
  private static void checkGroups(List<String> groups, java.security.Provider provider) {
    if (provider instanceof ProviderHook h) {
      String why = h.refuseGroups(groups);
      if (why != null) throw new IllegalArgumentException("namedGroups " + groups + ": " + why);
      return;
    }
    if (provider != null) return;
    for (String g : groups) {
      if (!Algorithms.jdkKnows(g)) {
        throw new IllegalArgumentException("named group " + g + " is not supported by the JDK's JSSE provider"
            + " (it has " + Algorithms.jdkGroups() + "); post-quantum hybrid groups need BouncyCastle's JSSE"
            + " provider: dev.tlskit.bc.PostQuantum.offer(policy) or require(policy) (module tlskit-bc)");
      }
    }
  }

  /** Refuses what only {@code LEGACY_COMPATIBLE} or a {@code dangerous()} door may enable, naming the door. */
  public static void checkDoors(List<String> protocols, List<String> suites, boolean legacy, Set<Weakening.Door> doors) {
    for (String p : protocols) {
      if (Algorithms.OLD_PROTOCOLS.contains(p) && !doors.contains(Weakening.Door.TLS_10_AND_11)) {
        throw new IllegalArgumentException("protocol " + p + " is only allowed through dangerous().allowTls10And11()");
      }
    }
    boolean cbcOk = legacy || doors.contains(Weakening.Door.TLS_10_AND_11);
    for (String s : suites) {
      if (Algorithms.isTls13(s)) continue;
      if (Algorithms.isRsaKeyExchange(s) && !doors.contains(Weakening.Door.RSA_KEY_EXCHANGE)) {
        throw new IllegalArgumentException("cipher suite " + s + " lacks forward secrecy (RSA key exchange); it is"
            + " only allowed through dangerous().allowRsaKeyExchange()");
      }
      if (Algorithms.is3des(s) && !doors.contains(Weakening.Door.TRIPLE_DES)) {
        throw new IllegalArgumentException("cipher suite " + s + " uses 3DES; it is only allowed through"
            + " dangerous().allow3des()");
      }
      if (Algorithms.isCbc(s) && !Algorithms.is3des(s) && !cbcOk) {
        throw new IllegalArgumentException("cipher suite " + s + " uses CBC; it is only allowed in a policy built"
            + " from TlsPolicy.LEGACY_COMPATIBLE (or with dangerous().allowTls10And11())");
      }
      if (s.startsWith("TLS_DHE_") && !cbcOk) {
        throw new IllegalArgumentException("cipher suite " + s + " uses finite-field DHE; it is only allowed in a"
            + " policy built from TlsPolicy.LEGACY_COMPATIBLE");
      }
    }
  }

  /** Refuses a signature scheme with SHA-1 or MD5. */
  public static void checkSignatureScheme(String s) {
    if (s.toLowerCase(Locale.ROOT).contains("sha1") || s.toLowerCase(Locale.ROOT).contains("md5")) {
      throw new IllegalArgumentException("signature scheme with SHA-1/MD5 is not allowed: " + s);
    }
  }

  /** Returns {@code protocols} as a list after checking each is an ALPN protocol name (1 to 255 characters). */
  public static List<String> checkAlpn(String... protocols) {
    for (String p : protocols) {
      if (p.isEmpty() || p.length() > 255) throw new IllegalArgumentException("invalid ALPN protocol: '" + p + "'");
    }
    return List.of(protocols);
  }

  /** Returns {@code pin} after checking it is {@code sha256/} and the Base64 of 32 bytes. */
  public static String checkPin(String pin) {
    if (!pin.startsWith("sha256/")) throw new IllegalArgumentException("pins must start with 'sha256/': " + pin);
    byte[] hash;
    try {
      hash = Base64.getDecoder().decode(pin.substring("sha256/".length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("pin is not valid base64: " + pin, e);
    }
    if (hash.length != 32) throw new IllegalArgumentException("pin must hold a 32-byte SHA-256 hash: " + pin);
    return pin;
  }

  /**
   * Refuses to make a context for a policy whose doors need versions or suites this JVM disables: neither the JDK's
   * JSSE nor BouncyCastle's bctls lifts {@code jdk.tls.disabledAlgorithms} per connection (both read it once per
   * JVM), so the message says how to lift it for the JVM.
   *
   * @throws IllegalStateException naming the doors, the entries of the property in the way, and the way out
   */
  public static void requireEnabledInJvm(Set<Weakening.Door> doors, List<String> protocols, List<String> suites) {
    if (doors.isEmpty()) return;
    List<String> off = Algorithms.disabledInJvm(Algorithms.union(protocols, suites));
    if (off.isEmpty()) return;
    throw new IllegalStateException("dangerous() doors " + doors + " need " + off + ", which this JVM disables in the"
        + " security property " + Algorithms.JVM_DISABLED_PROPERTY + " (the JDK's JSSE and BouncyCastle's bctls both"
        + " read it once per JVM; no provider lifts it per connection): remove " + off + " from it before the first"
        + " TLS connection of this JVM (java -Djava.security.properties=FILE, or"
        + " java.security.Security.setProperty at start-up)");
  }

  /**
   * Refuses settings of a policy that contradict each other, naming both: a fixed client certificate next to a
   * selector or a collection; a dangerous acceptor next to pins or hard-fail revocation (it would override them);
   * CRLs with revocation off.
   */
  public static void checkContradictions(boolean clientCertificate, boolean selector, int candidates,
      boolean dangerousAcceptor, java.util.Collection<String> pins, Revocation revocation, boolean crls) {
    if (clientCertificate && selector) {
      throw new IllegalArgumentException("clientCertificate and clientCertificateSelector contradict: set one of them");
    }
    if (clientCertificate && candidates > 0) {
      throw new IllegalArgumentException("clientCertificate and clientCertificates (" + candidates
          + " candidates) contradict: set one of them");
    }
    if (dangerousAcceptor && !pins.isEmpty()) {
      throw new IllegalArgumentException(
          "pins " + pins + " contradict dangerous().acceptIf/acceptAnyCertificate, which would override them");
    }
    if (dangerousAcceptor && revocation == Revocation.HARD_FAIL) {
      throw new IllegalArgumentException(
          "revocation HARD_FAIL contradicts dangerous().acceptIf/acceptAnyCertificate, which would override it");
    }
    if (crls && revocation == Revocation.OFF) {
      throw new IllegalArgumentException("crls were given but revocation is OFF: set revocation(SOFT_FAIL or"
          + " HARD_FAIL) or drop the CRLs");
    }
  }

  /** Returns a new TLS context from {@code provider} (null: the JDK default) with the given key and trust managers. */
  public static SSLContext newContext(Provider provider, KeyManager keyManager, TrustManager trustManager) {
    try {
      SSLContext ctx = provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
      ctx.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context"
          + (provider == null ? "" : " with provider " + provider.getName()) + ": " + e.getMessage(), e);
    }
  }
}
