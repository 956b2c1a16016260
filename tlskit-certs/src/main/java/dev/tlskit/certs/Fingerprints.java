package dev.tlskit.certs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;

/** Computes the fingerprints people compare certificates by. */
public final class Fingerprints {
  private Fingerprints() {}

  /** Returns the SHA-256 of the certificate's DER encoding as colon-separated upper-case hex. */
  public static String sha256(X509Certificate certificate) {
    try {
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded: " + certificate.getSubjectX500Principal(), e);
    }
  }

  /** Returns the SPKI pin of the certificate's public key, as {@code sha256/BASE64} (RFC 7469 form). */
  public static String spkiPin(X509Certificate certificate) {
    return "sha256/" + Base64.getEncoder().encodeToString(digest(certificate.getPublicKey().getEncoded()));
  }

  private static byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
