package dev.tlskit.internal.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads PEM certificate chains and unencrypted PKCS#8 keys with the JDK alone. */
public final class PemFiles {
  private static final long MAX_FILE = 1 << 20;

  private PemFiles() {}

  /** Reads every certificate of a PEM (or DER) file, in file order. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
    checkSize(file);
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    if (out.isEmpty()) throw new GeneralSecurityException(file + " holds no certificate");
    return out;
  }

  /** Reads a {@code BEGIN PRIVATE KEY} PEM file (RSA, EC, Ed25519/Ed448). */
  public static PrivateKey readPkcs8Key(Path file) throws IOException, GeneralSecurityException {
    checkSize(file);
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int start = pem.indexOf(begin);
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      int other = pem.indexOf("-----BEGIN ");
      String found = other < 0 ? "no PEM block" : pem.substring(other, Math.min(pem.length(), pem.indexOf('\n', other) < 0
          ? pem.length() : pem.indexOf('\n', other))).trim();
      throw new GeneralSecurityException(file + " is not an unencrypted PKCS#8 PEM key (found " + found
          + "); convert it with 'openssl pkcs8 -topk8 -nocrypt' or load it with tlskit-certs");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException ignored) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException(file + " holds a PKCS#8 key of an algorithm the JDK cannot use");
  }

  private static void checkSize(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE) throw new IOException(file + " is larger than " + MAX_FILE + " bytes");
  }
}
