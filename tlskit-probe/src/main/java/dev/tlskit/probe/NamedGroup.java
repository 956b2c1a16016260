package dev.tlskit.probe;

import java.util.List;
import java.util.Locale;

/**
 * A key-exchange group by IANA code point and name (RFC 8446 section 4.2.7, RFC 7919, RFC 8422).
 *
 * @param code the two-byte code point
 * @param name the IANA name ("x25519")
 * @param bits the security-relevant size (field or modulus bits), for findings
 */
public record NamedGroup(int code, String name, int bits) {
  private static final List<NamedGroup> ALL = List.of(
      new NamedGroup(0x001D, "x25519", 255), new NamedGroup(0x0017, "secp256r1", 256),
      new NamedGroup(0x0018, "secp384r1", 384), new NamedGroup(0x0019, "secp521r1", 521),
      new NamedGroup(0x001E, "x448", 448), new NamedGroup(0x11EC, "X25519MLKEM768", 255),
      new NamedGroup(0x0100, "ffdhe2048", 2048), new NamedGroup(0x0101, "ffdhe3072", 3072),
      new NamedGroup(0x0102, "ffdhe4096", 4096), new NamedGroup(0x0103, "ffdhe6144", 6144),
      new NamedGroup(0x0104, "ffdhe8192", 8192),
      new NamedGroup(0x0016, "secp256k1", 256), new NamedGroup(0x001A, "brainpoolP256r1", 256),
      new NamedGroup(0x001B, "brainpoolP384r1", 384), new NamedGroup(0x001C, "brainpoolP512r1", 512));

  /** Returns the groups a probe tries, most common first. */
  static List<NamedGroup> all() {
    return ALL;
  }

  /** Returns the elliptic-curve groups (those TLS 1.2 ECDHE uses). */
  static List<NamedGroup> curves() {
    return ALL.stream().filter(g -> !g.ffdhe() && g.code != 0x11EC).toList();
  }

  /** Returns the group with this code point; unknown ones are named {@code 0x001F}. */
  static NamedGroup of(int code) {
    for (NamedGroup g : ALL) {
      if (g.code == code) return g;
    }
    return new NamedGroup(code, String.format(Locale.ROOT, "0x%04X", code), -1);
  }

  /** Returns true for the finite-field groups of RFC 7919. */
  boolean ffdhe() {
    return name.startsWith("ffdhe");
  }

  @Override
  public String toString() {
    return name;
  }
}
