package dev.tlskit.internal.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small facts about certificates and keys that reports and messages show. */
public final class Certs {
  private Certs() {}

  /** Returns the subject as an RFC 2253 string. */
  public static String subject(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  /** Returns the issuer as an RFC 2253 string. */
  public static String issuer(X509Certificate c) {
    return c.getIssuerX500Principal().getName();
  }

  /** Returns the RFC 7469 SPKI pin {@code sha256/BASE64} of the certificate's public key. */
  public static String spkiPin(X509Certificate c) {
    return spkiPin(c.getPublicKey());
  }

  /** Returns the RFC 7469 SPKI pin {@code sha256/BASE64} of a public key. */
  public static String spkiPin(PublicKey key) {
    return "sha256/" + Base64.getEncoder().encodeToString(sha256(key.getEncoded()));
  }

  /** Returns the SHA-256 of the DER encoding as colon-separated upper-case hex. */
  public static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(c.getEncoded()));
    } catch (CertificateEncodingException e) {
      return "unencodable";
    }
  }

  /** Returns the key algorithm ("RSA", "EC", "Ed25519") of a public key. */
  public static String keyType(PublicKey key) {
    String alg = key.getAlgorithm();
    if (alg.equals("EdDSA") || alg.equals("XDH")) {
      String s = key.toString();
      if (s.contains("Ed448")) return "Ed448";
      if (s.contains("Ed25519")) return "Ed25519";
    }
    return alg;
  }

  /** Returns the size in bits of a public key, or -1 if the JDK cannot tell. */
  public static int keyBits(PublicKey key) {
    if (key instanceof RSAKey r) return r.getModulus().bitLength();
    if (key instanceof ECKey e) return e.getParams().getOrder().bitLength();
    if (key instanceof DSAKey d) return d.getParams().getP().bitLength();
    return switch (keyType(key)) {
      case "Ed25519" -> 256;
      case "Ed448" -> 456;
      default -> -1;
    };
  }

  /** Returns a JSON-ready summary of a certificate. */
  public static Map<String, Object> summary(X509Certificate c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subject", subject(c));
    m.put("issuer", issuer(c));
    m.put("serial", c.getSerialNumber().toString(16));
    m.put("notBefore", c.getNotBefore().toInstant());
    m.put("notAfter", c.getNotAfter().toInstant());
    m.put("key", keyType(c.getPublicKey()) + " " + keyBits(c.getPublicKey()));
    m.put("signature", c.getSigAlgName());
    m.put("sha256", fingerprint(c));
    m.put("spki", spkiPin(c));
    return m;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
