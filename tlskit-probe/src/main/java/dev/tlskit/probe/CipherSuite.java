package dev.tlskit.probe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A TLS cipher suite by IANA code point and name, with the properties probe findings are made of (forward secrecy,
 * AEAD, CBC, broken ciphers). The table holds what OpenSSL, the JDK and common servers implement; PSK and SRP suites
 * are left out because a probe without a pre-shared secret cannot negotiate them.
 *
 * @param code the two-byte IANA code point
 * @param name the IANA name ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
 */
public record CipherSuite(int code, String name) {
  private static final List<CipherSuite> ALL;
  private static final Map<Integer, CipherSuite> BY_CODE = new HashMap<>();

  static {
    List<CipherSuite> all = new ArrayList<>();
    Object[] table = {
        // TLS 1.3 (RFC 8446)
        0x1301, "TLS_AES_128_GCM_SHA256", 0x1302, "TLS_AES_256_GCM_SHA384", 0x1303, "TLS_CHACHA20_POLY1305_SHA256",
        0x1304, "TLS_AES_128_CCM_SHA256", 0x1305, "TLS_AES_128_CCM_8_SHA256",
        // ECDHE, AEAD
        0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", 0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
        0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", 0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8",
        0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", 0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384",
        0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", 0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384",
        // ECDHE, CBC and older
        0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", 0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",
        0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384",
        0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", 0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", 0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", 0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA",
        // DHE
        0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", 0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
        0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", 0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM",
        0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", 0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384",
        0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", 0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
        0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
        0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", 0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA",
        0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256",
        0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA",
        0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", 0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
        0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", 0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
        // RSA key exchange (no forward secrecy)
        0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384",
        0xC09C, "TLS_RSA_WITH_AES_128_CCM", 0xC09D, "TLS_RSA_WITH_AES_256_CCM",
        0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", 0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384",
        0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256",
        0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA",
        0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", 0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",
        0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256",
        0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", 0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA",
        0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x0009, "TLS_RSA_WITH_DES_CBC_SHA",
        0x0005, "TLS_RSA_WITH_RC4_128_SHA", 0x0004, "TLS_RSA_WITH_RC4_128_MD5",
        0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", 0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
        0x0001, "TLS_RSA_WITH_NULL_MD5", 0x0002, "TLS_RSA_WITH_NULL_SHA", 0x003B, "TLS_RSA_WITH_NULL_SHA256",
        // static ECDH (no forward secrecy)
        0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", 0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",
        0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", 0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",
        // anonymous (no authentication)
        0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", 0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA",
        0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", 0x0018, "TLS_DH_anon_WITH_RC4_128_MD5",
        0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", 0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA",
    };
    for (int i = 0; i < table.length; i += 2) {
      CipherSuite s = new CipherSuite((Integer) table[i], (String) table[i + 1]);
      all.add(s);
      if (BY_CODE.put(s.code, s) != null) throw new ExceptionInInitializerError("duplicate suite " + s);
    }
    ALL = Collections.unmodifiableList(all);
  }

  /** Returns every suite of the table, TLS 1.3 first, then roughly from strongest to weakest. */
  static List<CipherSuite> all() {
    return ALL;
  }

  /** Returns the suites usable with {@code version}: the TLS 1.3 ones for 1.3, the others below (1.2-only ones
   * included for 1.2 only). */
  static List<CipherSuite> forVersion(TlsVersion version) {
    return ALL.stream().filter(s -> s.usableWith(version)).toList();
  }

  /** Returns the suite with this code point; unknown codes get a name of the form {@code 0xC0FF}. */
  static CipherSuite of(int code) {
    CipherSuite s = BY_CODE.get(code);
    return s != null ? s : new CipherSuite(code, String.format(Locale.ROOT, "0x%04X", code));
  }

  /** Returns true for the TLS 1.3 suites. */
  boolean tls13() {
    return (code & 0xFF00) == 0x1300;
  }

  /** Returns true when a server may pick this suite for {@code version}. */
  boolean usableWith(TlsVersion version) {
    if (version == TlsVersion.TLS_1_3) return tls13();
    if (tls13()) return false;
    boolean onlyTls12 = name.contains("_GCM_") || name.contains("_CCM") || name.contains("CHACHA20")
        || name.endsWith("_SHA256") || name.endsWith("_SHA384");
    return version == TlsVersion.TLS_1_2 || !onlyTls12;
  }

  /** Returns true when the key exchange is ephemeral (ECDHE, DHE, or any TLS 1.3 suite). */
  boolean forwardSecret() {
    return tls13() || name.startsWith("TLS_ECDHE_") || name.startsWith("TLS_DHE_");
  }

  /** Returns true for authenticated encryption (GCM, CCM, ChaCha20-Poly1305). */
  boolean aead() {
    return tls13() || name.contains("_GCM_") || name.contains("_CCM") || name.contains("_POLY1305");
  }

  /** Returns true for CBC-mode block ciphers (padding-oracle prone). */
  boolean cbc() {
    return name.contains("_CBC_");
  }

  /**
   * Returns true for ephemeral finite-field Diffie-Hellman, signed (DHE) or anonymous (DH_anon): both send the
   * server's prime in ServerKeyExchange.
   */
  boolean dhe() {
    return name.startsWith("TLS_DHE_") || name.startsWith("TLS_DH_anon_");
  }

  /** Returns true for ephemeral elliptic-curve Diffie-Hellman. */
  boolean ecdhe() {
    return name.startsWith("TLS_ECDHE_");
  }

  /**
   * Returns why the suite is broken (NULL encryption, no authentication, export grade, RC4, single DES), or null.
   * 3DES is {@link #sweet32()}, reported apart.
   */
  String broken() {
    if (name.contains("_NULL_")) return "no encryption (NULL)";
    if (name.contains("_anon_")) return "no authentication (anonymous)";
    if (name.contains("EXPORT")) return "export-grade";
    if (name.contains("_RC4_")) return "RC4";
    if (name.contains("_DES_CBC_") || name.contains("_DES40_")) return "single DES";
    return null;
  }

  /** Returns true for 64-bit block ciphers (3DES, IDEA), open to SWEET32. */
  boolean sweet32() {
    return name.contains("3DES") || name.contains("_IDEA_");
  }

  @Override
  public String toString() {
    return name;
  }
}
