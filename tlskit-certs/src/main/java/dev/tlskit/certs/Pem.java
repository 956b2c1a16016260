package dev.tlskit.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes PEM: certificate chains, and private keys as PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}), including
 * OpenSSL's legacy encrypted form ({@code Proc-Type: 4,ENCRYPTED}). Keys come back as the JDK's own key objects.
 *
 * <p>Keys are written as PKCS#8 unless {@link #encodeTraditionalPrivateKey} is asked for, and EC keys always carry
 * their public key (as OpenSSL writes them), so OpenSSL, GnuTLS (Exim, Courier, GNU mailutils), the JDK and
 * BouncyCastle all load every key TlsKit writes.
 *
 * <p>Encrypted PKCS#8 is written as PBES2 with PBKDF2-HMAC-SHA256 (100,000 iterations) and AES-256-CBC, which
 * OpenSSL 1.1+ and the JDK read.
 */
public final class Pem {
  private static final Set<String> CERTIFICATE_TYPES = Set.of("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE");
  private static final Set<String> KEY_TYPES =
      Set.of("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");
  private static final String EXPECTED_CERTS = "a PEM certificate";
  private static final String EXPECTED_KEY = "a PEM private key (PKCS#8, PKCS#1 or SEC1)";
  private static final String TEXT = "PEM text";

  private Pem() {}

  /**
   * Reads every certificate in a PEM file, in file order; other blocks (a private key in a combined file) are
   * skipped. A single DER certificate is accepted too.
   */
  public static List<X509Certificate> readCertificates(Path file) throws CertificateFileException {
    return certificates(file.toString(), FileContents.read(file));
  }

  /** Decodes every certificate in PEM text; errors name the source {@code "PEM text"}. */
  public static List<X509Certificate> decodeCertificates(String pem) throws CertificateFileException {
    return certificates(TEXT, pem.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Reads the one private key in a PEM file (other blocks, like certificates, are skipped).
   *
   * @param password for an encrypted key; may be null for an unencrypted one
   */
  public static PrivateKey readPrivateKey(Path file, char[] password) throws CertificateFileException {
    return privateKey(file.toString(), FileContents.read(file), password);
  }

  /** Decodes the one private key in PEM text; {@code password} may be null for an unencrypted key. */
  public static PrivateKey decodePrivateKey(String pem, char[] password) throws CertificateFileException {
    return privateKey(TEXT, pem.getBytes(StandardCharsets.ISO_8859_1), password);
  }

  /** Returns the certificates as concatenated PEM {@code CERTIFICATE} blocks. */
  public static String encodeCertificates(List<X509Certificate> certificates) {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      for (X509Certificate c : certificates) w.writeObject(new PemObject("CERTIFICATE", c.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Returns the key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public static String encodePrivateKey(PrivateKey key) {
    try {
      return pem(new PemObject("PRIVATE KEY", Keys.privateKeyInfo(key).getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the key as encrypted PKCS#8 PEM ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}): PBES2,
   * PBKDF2-HMAC-SHA256, AES-256-CBC.
   */
  public static String encodeEncryptedPrivateKey(PrivateKey key, char[] password) {
    requirePassword(password);
    try {
      var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
          .setProvider(Bc.PROVIDER)
          .setRandom(new SecureRandom())
          .setPRF(PKCS8Generator.PRF_HMACSHA256)
          .setIterationCount(Bc.ITERATIONS)
          .setPassword(password)
          .build();
      StringWriter out = new StringWriter();
      try (PemWriter w = new PemWriter(out)) {
        w.writeObject(new PKCS8Generator(Keys.privateKeyInfo(key), encryptor));
      }
      return out.toString();
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot set up AES-256/PBKDF2 encryption", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the key in OpenSSL's traditional form: PKCS#1 ({@code RSA PRIVATE KEY}) for RSA, SEC1
   * ({@code EC PRIVATE KEY}) for EC. Ed25519 has no such form; use {@link #encodePrivateKey}.
   */
  public static String encodeTraditionalPrivateKey(PrivateKey key) {
    if (key instanceof EdECKey) {
      throw new IllegalArgumentException(Keys.describe(key) + " keys have no traditional PEM form; use PKCS#8");
    }
    try {
      PrivateKeyInfo info = Keys.privateKeyInfo(key);
      if (key instanceof ECPrivateKey ec) {
        // SEC1 on its own must name the curve, which PKCS#8 keeps in the outer algorithm identifier; the public key
        // goes in too, as OpenSSL writes it (GnuTLS refuses a SEC1 key without it).
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
            new DERBitString(Keys.publicPoint(ec)), info.getPrivateKeyAlgorithm().getParameters());
        return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
      }
      if (key instanceof RSAPrivateKey) return pem(new PemObject("RSA PRIVATE KEY", info.parsePrivateKey()
          .toASN1Primitive().getEncoded()));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot encode " + key.getAlgorithm() + " key in traditional form", e);
    }
    throw new IllegalArgumentException(key.getAlgorithm() + " keys have no traditional PEM form; use PKCS#8");
  }

  /** Writes the certificates to {@code file} as PEM, replacing it. */
  public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
    Files.writeString(file, encodeCertificates(certificates), StandardCharsets.US_ASCII);
  }

  /**
   * Writes the key to {@code file} as PKCS#8 PEM, encrypted when {@code password} is non-null, replacing the file,
   * readable by its owner only (mode 0600).
   */
  public static void writePrivateKey(Path file, PrivateKey key, char[] password) throws IOException {
    String pem = password == null ? encodePrivateKey(key) : encodeEncryptedPrivateKey(key, password);
    FileContents.writeSecret(file, pem.getBytes(StandardCharsets.US_ASCII));
  }

  static List<X509Certificate> certificates(String name, byte[] data) throws CertificateFileException {
    if (!FileContents.isPem(data)) {
      if (FileContents.isDerCertificate(data)) return List.of(derCertificate(name, data, "DER certificate"));
      throw CertificateFileException.wrongFormat(name, EXPECTED_CERTS, FileContents.describe(data));
    }
    List<X509Certificate> out = new ArrayList<>();
    for (PemObject block : blocks(name, data, EXPECTED_CERTS)) {
      if (CERTIFICATE_TYPES.contains(block.getType())) {
        out.add(derCertificate(name, block.getContent(), "PEM '" + block.getType() + "' block"));
      }
    }
    if (out.isEmpty()) throw CertificateFileException.wrongFormat(name, EXPECTED_CERTS, FileContents.describe(data));
    return List.copyOf(out);
  }

  static PrivateKey privateKey(String name, byte[] data, char[] password) throws CertificateFileException {
    if (!FileContents.isPem(data)) {
      throw CertificateFileException.wrongFormat(name, EXPECTED_KEY, FileContents.describe(data));
    }
    List<PemObject> keys = new ArrayList<>();
    for (PemObject block : blocks(name, data, EXPECTED_KEY)) {
      if (KEY_TYPES.contains(block.getType())) keys.add(block);
    }
    if (keys.isEmpty()) throw CertificateFileException.wrongFormat(name, EXPECTED_KEY, FileContents.describe(data));
    if (keys.size() > 1) {
      throw CertificateFileException.wrongFormat(name, "one private key", keys.size() + " private keys");
    }
    return decodeKeyBlock(name, keys.get(0), password);
  }

  private static PrivateKey decodeKeyBlock(String name, PemObject block, char[] password)
      throws CertificateFileException {
    String what = "PEM '" + block.getType() + "' block";
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem(block)))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw CertificateFileException.wrongFormat(name, EXPECTED_KEY, "a " + what + " that does not hold a valid key");
    }
    PrivateKeyInfo info;
    if (parsed instanceof PrivateKeyInfo pki) {
      info = pki;
    } else if (parsed instanceof PEMKeyPair pair) {
      info = pair.getPrivateKeyInfo();
    } else if (parsed instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
      if (password == null) throw CertificateFileException.passwordRequired(name, "the private key");
      KdfLimits.check(name, "an encrypted private key", encrypted.getEncryptionAlgorithm());
      try {
        info = encrypted.decryptPrivateKeyInfo(
            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(password));
        info.getPrivateKeyAlgorithm().getAlgorithm(); // a wrong password may decrypt to garbage: touch it
      } catch (Exception e) {
        throw CertificateFileException.wrongPassword(name, "encrypted private key", e);
      }
    } else if (parsed instanceof PEMEncryptedKeyPair encrypted) {
      if (password == null) throw CertificateFileException.passwordRequired(name, "the private key");
      try {
        info = encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(password))
            .getPrivateKeyInfo();
      } catch (Exception e) {
        throw CertificateFileException.wrongPassword(name, "encrypted private key", e);
      }
    } else {
      throw CertificateFileException.wrongFormat(name, EXPECTED_KEY, "a " + what + " that does not hold a valid key");
    }
    return toJdkKey(name, info, what);
  }

  /** Converts a decoded key into the JDK's own key object, so JSSE uses it natively. */
  static PrivateKey toJdkKey(String name, PrivateKeyInfo info, String what) throws CertificateFileException {
    ASN1ObjectIdentifier oid;
    try {
      oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    } catch (RuntimeException e) {
      throw CertificateFileException.wrongFormat(name, EXPECTED_KEY, "a " + what + " that does not hold a valid key");
    }
    String algorithm;
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) algorithm = "RSA";
    else if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) algorithm = "RSASSA-PSS";
    else if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) algorithm = "EC";
    else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) algorithm = "Ed25519";
    else if (oid.equals(EdECObjectIdentifiers.id_Ed448)) algorithm = "Ed448";
    else {
      throw CertificateFileException.wrongFormat(name, "an RSA, EC or Ed25519 private key",
          "a key of algorithm " + oid.getId());
    }
    try {
      KeyFactory factory = KeyFactory.getInstance(algorithm);
      PrivateKey key = factory.generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
      // The JDK keeps a file's encoding as it was; rebuilt from scalar and curve, an EC key read back equals the
      // key generated (whether or not the file carried the public key, which Keys.privateKeyInfo adds on writing).
      return key instanceof ECPrivateKey ec
          ? factory.generatePrivate(new ECPrivateKeySpec(ec.getS(), ec.getParams())) : key;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw CertificateFileException.wrongFormat(name, EXPECTED_KEY,
          "a " + what + " with an invalid " + algorithm + " key (" + e.getMessage() + ")");
    }
  }

  /** Splits PEM text into blocks, turning BouncyCastle's parse errors into messages naming the block. */
  private static List<PemObject> blocks(String name, byte[] data, String expected) throws CertificateFileException {
    String text = FileContents.latin1(data);
    List<String> types = FileContents.pemTypes(text);
    List<PemObject> out = new ArrayList<>();
    try (PemReader reader = new PemReader(new StringReader(text))) {
      for (PemObject o; (o = reader.readPemObject()) != null; ) out.add(o);
    } catch (IOException | RuntimeException e) {
      String type = out.size() < types.size() ? types.get(out.size()) : "?";
      String message = String.valueOf(e.getMessage());
      if (message.contains("not found")) {
        throw CertificateFileException.truncated(name, expected,
            "a truncated PEM '" + type + "' block (no END line)");
      }
      throw CertificateFileException.wrongFormat(name, expected,
          "a corrupt PEM '" + type + "' block (bad base64)");
    }
    return out;
  }

  private static X509Certificate derCertificate(String name, byte[] der, String what)
      throws CertificateFileException {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw CertificateFileException.wrongFormat(name, EXPECTED_CERTS,
          "a " + what + " that does not hold a valid certificate (truncated or corrupt)");
    }
  }

  private static String pem(PemObject block) {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      w.writeObject(block);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static void requirePassword(char[] password) {
    Objects.requireNonNull(password, "password");
    if (password.length == 0) throw new IllegalArgumentException("password is empty");
  }
}
