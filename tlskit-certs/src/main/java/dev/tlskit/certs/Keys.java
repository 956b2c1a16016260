package dev.tlskit.certs;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

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

  /**
   * Returns the key's PKCS#8 structure in the form every common TLS server reads, for every file TlsKit writes a key
   * to. An EC key gets its public key inside the SEC1 structure, as OpenSSL writes it: the JDK's own encoding leaves
   * that optional field out, and GnuTLS (so Exim, Courier and GNU mailutils) then refuses the key with "ASN1 parser:
   * Element was not found". RSA and Ed25519 keys are returned as the JDK encodes them.
   *
   * @throws IllegalArgumentException if the key has no PKCS#8 encoding (a key held in a token)
   */
  static PrivateKeyInfo privateKeyInfo(PrivateKey key) {
    byte[] encoded = "PKCS#8".equals(key.getFormat()) ? key.getEncoded() : null;
    if (encoded == null) {
      throw new IllegalArgumentException("key has no PKCS#8 encoding: " + key.getAlgorithm() + "/" + key.getFormat());
    }
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
    if (!(key instanceof ECPrivateKey ec)) return info;
    try {
      // The curve stays in the outer algorithm identifier only, where the JDK and OpenSSL put it.
      var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
          new DERBitString(publicPoint(ec)), null);
      return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), sec1);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot encode " + describe(key) + " key: " + e.getMessage(), e);
    }
  }

  /** Returns the EC private key's public point (its scalar times the generator), uncompressed (X9.62). */
  static byte[] publicPoint(ECPrivateKey key) {
    ECParameterSpec params = key.getParams();
    ECCurve curve = EC5Util.convertCurve(params.getCurve());
    var generator = EC5Util.convertPoint(curve, params.getGenerator());
    return new FixedPointCombMultiplier().multiply(generator, key.getS()).normalize().getEncoded(false);
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
