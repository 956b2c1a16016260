package dev.tlskit.certs;

import dev.tlskit.CertifiedKey;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Key pairs shared by this module's tests, generated once per JVM: RSA 4096 takes seconds on a busy machine, and the
 * tests are about certificates and encodings, not about fresh randomness. Each (type, slot) is a distinct pair.
 */
final class TestKeys {
  private static final Map<String, KeyPair> PAIRS = new HashMap<>();

  private TestKeys() {}

  static synchronized KeyPair pair(KeyType type, int slot) {
    return PAIRS.computeIfAbsent(type + "/" + slot, k -> type.generate());
  }

  /** Returns true when {@code key} belongs to {@code publicKey}, proved by {@link CertifiedKey} (the one proof). */
  static boolean belong(PrivateKey key, PublicKey publicKey) {
    X509Certificate cert = HeldCertificate.builder().keyPair(new KeyPair(publicKey, key)).build().certificate();
    try {
      CertifiedKey.of(key, List.of(cert));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
