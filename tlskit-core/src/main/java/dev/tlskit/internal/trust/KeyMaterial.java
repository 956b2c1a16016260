package dev.tlskit.internal.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads certificates, key stores and PKCS#8 keys with the JDK alone. Formats the JDK cannot read (PKCS#1, SEC1,
 * legacy encrypted PEM) are read by tlskit-certs, which hands over JDK key objects.
 */
public final class KeyMaterial {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final int MAX_FILE = 4 * 1024 * 1024;

  private KeyMaterial() {}

  /** Returns true when the data starts (after whitespace) with a PEM armour line. */
  public static boolean looksLikePem(byte[] data) {
    String head = new String(data, 0, Math.min(data.length, 4096), StandardCharsets.ISO_8859_1);
    return head.contains("-----BEGIN ");
  }

  /** Parses every certificate of a PEM bundle or DER file; fails when there is none. */
  public static List<X509Certificate> parseCertificates(byte[] data, String source) {
    try (InputStream in = new ByteArrayInputStream(data)) {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      if (looksLikePem(data)) {
        Matcher m = PEM.matcher(new String(data, StandardCharsets.ISO_8859_1));
        while (m.find()) {
          if (!m.group(1).equals("CERTIFICATE") && !m.group(1).equals("TRUSTED CERTIFICATE")) continue;
          byte[] der = Base64.getMimeDecoder().decode(m.group(2));
          out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        }
      } else {
        for (Certificate c : cf.generateCertificates(in)) out.add((X509Certificate) c);
      }
      if (out.isEmpty()) throw new IllegalArgumentException("no certificate found in " + source);
      return List.copyOf(out);
    } catch (CertificateException | IOException e) {
      throw new IllegalArgumentException("cannot parse certificates in " + source + ": " + e.getMessage(), e);
    }
  }

  /** Reads a file, refusing anything too large to be key material. */
  public static byte[] read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE) throw new IOException(file + " is too large to be key material");
    return Files.readAllBytes(file);
  }

  /** Loads a PKCS#12 or JKS store, detecting the type from its content. */
  public static KeyStore loadKeyStore(Path file, char[] password) throws IOException {
    try {
      return KeyStore.getInstance(file.toFile(), password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException("cannot open key store " + file + " (PKCS#12 or JKS expected"
          + (password == null ? ", no password given" : "") + "): " + e.getMessage(), e);
    }
  }

  /** Returns the first private key entry's key and chain of a store, or of {@code alias} when not null. */
  public static KeyStore.PrivateKeyEntry privateKeyEntry(KeyStore ks, char[] password, String alias, String source)
      throws IOException {
    try {
      List<String> aliases = alias != null ? List.of(alias) : java.util.Collections.list(ks.aliases());
      for (String a : aliases) {
        if (!ks.isKeyEntry(a)) continue;
        Key k = ks.getKey(a, password == null ? new char[0] : password);
        if (k instanceof PrivateKey pk) {
          Certificate[] chain = ks.getCertificateChain(a);
          return new KeyStore.PrivateKeyEntry(pk, chain);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the private key in " + source + ": " + e.getMessage(), e);
    }
    throw new IOException(source + " holds no private key entry" + (alias == null ? "" : " named " + alias));
  }

  /**
   * Parses a PKCS#8 private key from PEM ({@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} with a password).
   *
   * @throws IllegalArgumentException for other formats, naming tlskit-certs as the reader for them
   */
  public static PrivateKey parsePkcs8(byte[] pem, char[] password, String source) {
    Matcher m = PEM.matcher(new String(pem, StandardCharsets.ISO_8859_1));
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      try {
        switch (type) {
          case "PRIVATE KEY" -> {
            return pkcs8(der);
          }
          case "ENCRYPTED PRIVATE KEY" -> {
            if (password == null) throw new IllegalArgumentException(source + " is encrypted and no password was given");
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            SecretKeyFactory f = SecretKeyFactory.getInstance(info.getAlgName());
            var spec = info.getKeySpec(f.generateSecret(new PBEKeySpec(password)));
            return pkcs8(spec.getEncoded());
          }
          case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> throw new IllegalArgumentException(
              source + " holds a " + type + " (PKCS#1/SEC1): read it with dev.tlskit.certs, or convert it to PKCS#8");
          default -> {
            // not a key block (certificates may share the file)
          }
        }
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException("cannot read the private key in " + source + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException("no PEM private key found in " + source);
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("unsupported PKCS#8 key algorithm", last);
  }

  /**
   * Returns the certificate among {@code certs} that {@code key} belongs to, followed by its issuers as far as
   * {@code certs} holds them (found by name and signature, in any order); empty when no certificate matches.
   */
  public static List<X509Certificate> chainOf(PrivateKey key, List<X509Certificate> certs) {
    X509Certificate leaf = null;
    for (X509Certificate c : certs) {
      if (matches(key, c.getPublicKey())) {
        leaf = c;
        break;
      }
    }
    if (leaf == null) return List.of();
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    for (X509Certificate issuer = ChainValidator.findIssuer(leaf, certs, chain); issuer != null;
        issuer = ChainValidator.findIssuer(issuer, certs, chain)) {
      chain.add(issuer);
    }
    return List.copyOf(chain);
  }

  /** Returns true when the private key belongs to the public key (proved by signing and verifying). */
  public static boolean matches(PrivateKey priv, PublicKey pub) {
    String alg = switch (priv.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "DSA" -> "SHA256withDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (alg == null) return priv.getAlgorithm().equals(pub.getAlgorithm());
    try {
      byte[] probe = "tlskit key pairing probe".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(priv);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
