package dev.tlskit.certs;

import java.math.BigInteger;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.misc.ScryptParams;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Refuses password-based key derivation whose cost the file itself sets absurdly high: a hostile key or PKCS#12 file
 * could otherwise pin a CPU for hours (PBKDF2 iterations) or exhaust memory (scrypt) before the password is checked.
 */
final class KdfLimits {
  /** 100 times what we write; OpenSSL and the JDK write 2,048 to 10,000. */
  static final int MAX_ITERATIONS = 10_000_000;
  /** scrypt memory is 128 * N * r bytes: allow 256 MiB. */
  private static final long MAX_SCRYPT_BYTES = 256L * 1024 * 1024;

  private KdfLimits() {}

  /** Checks the key derivation of an encryption algorithm identifier (PBES2 or PKCS#12 PBE). */
  static void check(String name, String what, AlgorithmIdentifier encryption) throws CertificateFileException {
    try {
      if (PKCSObjectIdentifiers.id_PBES2.equals(encryption.getAlgorithm())) {
        KeyDerivationFunc kdf = PBES2Parameters.getInstance(encryption.getParameters()).getKeyDerivationFunc();
        if (PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
          iterations(name, what, PBKDF2Params.getInstance(kdf.getParameters()).getIterationCount());
        } else if (MiscObjectIdentifiers.id_scrypt.equals(kdf.getAlgorithm())) {
          ScryptParams p = ScryptParams.getInstance(kdf.getParameters());
          BigInteger bytes = p.getCostParameter().multiply(p.getBlockSize()).multiply(BigInteger.valueOf(128))
              .multiply(p.getParallelizationParameter());
          if (bytes.compareTo(BigInteger.valueOf(MAX_SCRYPT_BYTES)) > 0) {
            throw CertificateFileException.wrongFormat(name, what + " with a sane scrypt cost",
                "one needing " + bytes.shiftRight(20) + " MiB to derive its key (limit "
                + (MAX_SCRYPT_BYTES >> 20) + " MiB)");
          }
        }
      } else if (encryption.getAlgorithm().on(PKCSObjectIdentifiers.pkcs_12PbeIds)) {
        iterations(name, what, PKCS12PBEParams.getInstance(encryption.getParameters()).getIterations());
      }
    } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
      throw CertificateFileException.wrongFormat(name, what, "malformed encryption parameters");
    }
  }

  /** Checks the iteration count of a PKCS#12 MAC. */
  static void check(String name, String what, MacData mac) throws CertificateFileException {
    if (mac != null) iterations(name, what, mac.getIterationCount());
  }

  private static void iterations(String name, String what, BigInteger count) throws CertificateFileException {
    if (count.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
      throw CertificateFileException.wrongFormat(name, what + " with a sane key-derivation cost",
          "one demanding " + count + " iterations (limit " + MAX_ITERATIONS + ")");
    }
  }
}
