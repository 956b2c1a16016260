package dev.tlskit.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The kinds of key pair TlsKit generates; {@link #EC_P256} is the default everywhere. */
public enum KeyType {
  /** ECDSA on NIST P-256 (secp256r1), signing with SHA-256. The default. */
  EC_P256("ec-p256", "EC", 256),
  /** ECDSA on NIST P-384 (secp384r1), signing with SHA-384. */
  EC_P384("ec-p384", "EC", 384),
  /** EdDSA on Curve25519 (RFC 8410). */
  ED25519("ed25519", "Ed25519", 255),
  /** RSA, 2048-bit modulus, signing with SHA-256 (PKCS#1 v1.5). */
  RSA_2048("rsa2048", "RSA", 2048),
  /** RSA, 3072-bit modulus, signing with SHA-256 (PKCS#1 v1.5). */
  RSA_3072("rsa3072", "RSA", 3072),
  /** RSA, 4096-bit modulus, signing with SHA-256 (PKCS#1 v1.5). Slow to generate (seconds). */
  RSA_4096("rsa4096", "RSA", 4096);

  private final String cliName;
  private final String algorithm;
  private final int bits;

  KeyType(String cliName, String algorithm, int bits) {
    this.cliName = cliName;
    this.algorithm = algorithm;
    this.bits = bits;
  }

  /** Returns the name used on the command line and in files, e.g. {@code ec-p256}. */
  public String cliName() {
    return cliName;
  }

  /** Returns the key type with the given command-line name (case-insensitive), e.g. {@code rsa2048}. */
  public static KeyType fromCliName(String name) {
    for (KeyType t : values()) {
      if (t.cliName.equalsIgnoreCase(name.trim())) return t;
    }
    throw new IllegalArgumentException("unknown key type '" + name + "', expected one of: "
        + Arrays.stream(values()).map(KeyType::cliName).collect(Collectors.joining(", ")));
  }

  /** Generates a fresh key pair of this type with the JDK's providers (so JSSE uses the keys natively). */
  public KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      switch (this) {
        case EC_P256 -> g.initialize(new ECGenParameterSpec("secp256r1"));
        case EC_P384 -> g.initialize(new ECGenParameterSpec("secp384r1"));
        case RSA_2048, RSA_3072, RSA_4096 -> g.initialize(bits);
        case ED25519 -> { }
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate " + this + " keys", e);
    }
  }

  @Override
  public String toString() {
    return switch (this) {
      case EC_P256 -> "EC P-256";
      case EC_P384 -> "EC P-384";
      case ED25519 -> "Ed25519";
      default -> "RSA " + bits;
    };
  }
}
