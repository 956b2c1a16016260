package dev.tlskit.certs;

import java.security.KeyPair;
import java.util.HashMap;
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
}
