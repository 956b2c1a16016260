package dev.tlskit.internal.tls;

import java.util.Locale;

/** Names TLS key-exchange groups by IANA code point, spelled as the JDK and the IANA registry spell them. */
public final class NamedGroups {
  private NamedGroups() {}

  /** Returns the name of group {@code code} ("x25519", "X25519MLKEM768"); an unassigned one as "0x1234". */
  public static String name(int code) {
    return switch (code) {
      case 0x0016 -> "secp256k1";
      case 0x0017 -> "secp256r1";
      case 0x0018 -> "secp384r1";
      case 0x0019 -> "secp521r1";
      case 0x001A -> "brainpoolP256r1";
      case 0x001B -> "brainpoolP384r1";
      case 0x001C -> "brainpoolP512r1";
      case 0x001D -> "x25519";
      case 0x001E -> "x448";
      case 0x0100 -> "ffdhe2048";
      case 0x0101 -> "ffdhe3072";
      case 0x0102 -> "ffdhe4096";
      case 0x0103 -> "ffdhe6144";
      case 0x0104 -> "ffdhe8192";
      case 0x0200 -> "MLKEM512";
      case 0x0201 -> "MLKEM768";
      case 0x0202 -> "MLKEM1024";
      case 0x11EB -> "SecP256r1MLKEM768";
      case 0x11EC -> "X25519MLKEM768";
      case 0x11ED -> "SecP384r1MLKEM1024";
      default -> String.format(Locale.ROOT, "0x%04X", code);
    };
  }
}
