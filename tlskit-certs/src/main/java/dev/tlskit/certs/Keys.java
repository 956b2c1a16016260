package dev.tlskit.certs;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/** Describes keys and picks the signature algorithm that fits them. */
public final class Keys {
  private Keys() {}

  /**
   * Returns a short human description of a key: {@code "EC P-256"}, {@code "RSA 3072"}, {@code "Ed25519"}, or the
   * algorithm name for anything else.
   */
  public static String describe(Key key) {
    if (key instanceof RSAKey rsa) return "RSA " + rsa.getModulus().bitLength();
    if (key instanceof ECKey ec) return "EC " + curveName(ec.getParams());
    if (key instanceof EdECKey ed) return ed.getParams().getName();
    return key.getAlgorithm();
  }

  /** Returns the key's family: {@code "RSA"}, {@code "EC"}, {@code "Ed25519"}, or the JCA algorithm name. */
  public static String family(Key key) {
    if (key instanceof RSAKey) return "RSA";
    if (key instanceof ECKey) return "EC";
    if (key instanceof EdECKey ed) return ed.getParams().getName();
    return key.getAlgorithm();
  }

  /**
   * Returns the key's size in bits as people quote it: the RSA modulus, the EC group order, 256 for Ed25519 and 456
   * for Ed448; 0 when unknown.
   */
  public static int bits(Key key) {
    if (key instanceof RSAKey rsa) return rsa.getModulus().bitLength();
    if (key instanceof ECKey ec) return ec.getParams().getOrder().bitLength();
    if (key instanceof EdECKey ed) return "Ed448".equals(ed.getParams().getName()) ? 456 : 256;
    return 0;
  }

  /** Returns the JCA signature algorithm a certificate issuer with this private key signs with. */
  static String signatureAlgorithm(PrivateKey key) {
    if (key instanceof RSAKey) return "SHA256withRSA";
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getOrder().bitLength();
      return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    if (key instanceof EdECKey ed) return ed.getParams().getName();
    throw new IllegalArgumentException("cannot sign certificates with a " + key.getAlgorithm() + " key");
  }

  private static String curveName(ECParameterSpec params) {
    for (String[] c : new String[][] {{"secp256r1", "P-256"}, {"secp384r1", "P-384"}, {"secp521r1", "P-521"}}) {
      try {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec(c[0]));
        ECParameterSpec known = p.getParameterSpec(ECParameterSpec.class);
        if (known.getOrder().equals(params.getOrder()) && known.getGenerator().equals(params.getGenerator())) {
          return c[1];
        }
      } catch (GeneralSecurityException e) {
        // curve not supported by this JDK: not that one
      }
    }
    return params.getOrder().bitLength() + "-bit curve";
  }
}
