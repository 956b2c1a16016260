package dev.tlskit.nativetls.internal;

import dev.tlskit.internal.tls.Algorithms;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The named groups of the native engine: TlsKit's (the JDK's and IANA's) names and BoringSSL's for the same group.
 * BoringSSL offers exactly the list it is given and refuses a peer that shares none of it, so a list of hybrid groups
 * alone is a requirement it enforces itself.
 */
final class NativeGroups {
  /** TlsKit's name in lower case to BoringSSL's. */
  private static final Map<String, String> BORINGSSL = Map.of("x25519", "X25519", "secp256r1", "P-256",
      "secp384r1", "P-384", "secp521r1", "P-521", "x25519mlkem768", "X25519MLKEM768");

  /** The post-quantum hybrid groups BoringSSL (netty-tcnative 2.0.84) negotiates, in TlsKit's spelling. */
  static final List<String> HYBRID = List.of("X25519MLKEM768");

  private NativeGroups() {}

  /** Returns BoringSSL's name of {@code group} (any case), or null when BoringSSL lacks it. */
  static String boringSsl(String group) {
    return BORINGSSL.get(group.toLowerCase(Locale.ROOT));
  }

  /** Returns TlsKit's name of BoringSSL's {@code name}, or null. */
  static String tlskit(String name) {
    if (name == null) return null;
    for (Map.Entry<String, String> e : BORINGSSL.entrySet()) {
      if (e.getValue().equalsIgnoreCase(name)) return isHybrid(e.getKey()) ? HYBRID.get(0) : e.getKey();
    }
    return name;
  }

  /** Returns true when {@code group} names a hybrid group BoringSSL negotiates (any case). */
  static boolean isHybrid(String group) {
    return HYBRID.stream().anyMatch(h -> h.equalsIgnoreCase(group));
  }

  /** Returns {@code groups} in BoringSSL's names; those BoringSSL lacks (x448, ffdhe*) are left out. */
  static List<String> offered(List<String> groups) {
    List<String> out = new ArrayList<>();
    for (String g : groups) {
      String b = boringSsl(g);
      if (b != null) out.add(b);
    }
    return out;
  }

  /**
   * Returns true when every group of {@code groups} BoringSSL would offer is a hybrid one (and there is one): the
   * engine then accepts no classical key exchange.
   */
  static boolean hybridOnly(List<String> groups) {
    List<String> offered = offered(groups);
    return !offered.isEmpty() && offered.stream().allMatch(NativeGroups::isHybrid);
  }

  /**
   * Returns null when the native engine can use {@code groups}, else why not: a name neither BoringSSL nor the JDK
   * knows (a hybrid such as SecP256r1MLKEM768 that BoringSSL lacks included). The JDK's classical groups BoringSSL
   * lacks (x448, ffdhe*) are skipped, as the presets list them.
   */
  static String refuse(List<String> groups) {
    List<String> unknown = new ArrayList<>();
    for (String g : groups) {
      if (boringSsl(g) == null && !Algorithms.jdkKnows(g)) unknown.add(g);
    }
    if (unknown.isEmpty() && !groups.isEmpty() && offered(groups).isEmpty()) {
      return "the native engine (BoringSSL) offers none of them; it offers " + BORINGSSL.keySet().stream()
          .map(NativeGroups::tlskit).sorted().toList();
    }
    if (unknown.isEmpty()) return null;
    return "the native engine (BoringSSL) cannot offer " + unknown + "; it offers " + BORINGSSL.keySet().stream()
        .map(NativeGroups::tlskit).sorted().toList() + " (and skips x448 and ffdhe*). For post-quantum key exchange"
        + " on it, select the provider first, then dev.tlskit.bc.PostQuantum.offer(policy) or require(policy)";
  }
}
