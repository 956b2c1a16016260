package dev.tlskit.certs;

import dev.tlskit.CertifiedKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and writes a {@link CertifiedKey} (a private key and its chain) in the files servers and clients use: a PEM
 * chain with a PEM key in any common form (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, legacy encrypted PEM), and
 * PKCS#12. Every read puts the chain in order (the key's certificate first, then its issuers), whatever the order in
 * the file, and every error is a {@link CertificateFileException} naming the file at fault.
 */
public final class KeyFiles {
  private KeyFiles() {}

  /**
   * Reads a PEM certificate chain and its PEM private key. Both may be the same file.
   *
   * @param password for an encrypted key, else null
   * @throws CertificateFileException naming the file at fault, including when the key matches no certificate
   */
  public static CertifiedKey readPem(Path certFile, Path keyFile, char[] password) throws CertificateFileException {
    List<X509Certificate> certs = Pem.readCertificates(certFile);
    PrivateKey key = Pem.readPrivateKey(keyFile, password);
    return pair(key, certs, keyFile + " and " + certFile, keyFile.toString());
  }

  /**
   * Reads the one private key in a PKCS#12 file and its chain.
   *
   * @throws CertificateFileException on a wrong password, a file that is not PKCS#12, or one holding no key or
   *     several (use {@link #readPkcs12(Path, char[], String)} then)
   */
  public static CertifiedKey readPkcs12(Path file, char[] password) throws CertificateFileException {
    return readPkcs12(file, password, null);
  }

  /** Reads the private key with the given alias (friendly name) from a PKCS#12 file, and its chain. */
  public static CertifiedKey readPkcs12(Path file, char[] password, String alias) throws CertificateFileException {
    String name = file.toString();
    Pkcs12.Contents contents = Pkcs12.parse(name, FileContents.read(file), password);
    List<Pkcs12.Entry> keys = contents.keys().stream()
        .filter(e -> alias == null || alias.equals(e.alias())).toList();
    if (keys.isEmpty()) {
      throw CertificateFileException.wrongFormat(name, alias == null ? "a private key" : "a key with alias '" + alias
          + "'", contents.keys().isEmpty() ? "a PKCS#12 file without private keys" : "keys with aliases "
          + contents.keys().stream().map(Pkcs12.Entry::alias).toList());
    }
    if (keys.size() > 1) {
      throw CertificateFileException.wrongFormat(name, "one private key (or an alias to choose one)",
          keys.size() + " keys with aliases " + keys.stream().map(Pkcs12.Entry::alias).toList());
    }
    Pkcs12.Entry entry = keys.get(0);
    // The certificate sharing the key's local key id is tried first; the others follow in file order.
    List<X509Certificate> certs = new ArrayList<>();
    for (Pkcs12.CertificateBag bag : contents.certificateBags()) {
      boolean own = entry.localKeyId() != null && Arrays.equals(bag.localKeyId(), entry.localKeyId());
      if (own) certs.add(0, bag.certificate());
      else certs.add(bag.certificate());
    }
    return pair(entry.key(), certs, name, name);
  }

  /**
   * Writes the chain to {@code certFile} and the key (PKCS#8, mode 0600) to {@code keyFile}.
   *
   * @param password encrypts the key when non-null
   */
  public static void writePem(CertifiedKey key, Path certFile, Path keyFile, char[] password) throws IOException {
    Pem.writeCertificates(certFile, key.chain());
    Pem.writePrivateKey(keyFile, key.privateKey(), password);
  }

  /** Writes key and chain as a password-protected PKCS#12 file (mode 0600); see {@link Pkcs12}. */
  public static void writePkcs12(CertifiedKey key, Path file, String alias, char[] password) throws IOException {
    Pkcs12.write(file, key, alias, password);
  }

  private static CertifiedKey pair(PrivateKey key, List<X509Certificate> certs, String where, String keyName)
      throws CertificateFileException {
    try {
      return CertifiedKey.fromCertificates(key, certs);
    } catch (IllegalArgumentException e) {
      throw new CertificateFileException(keyName, CertificateFileException.Problem.KEY_MISMATCH,
          "the private key (" + Keys.describe(key) + ") matches none of the certificates in " + where + " "
          + certs.stream().map(c -> c.getSubjectX500Principal().getName()).toList(), null);
    }
  }
}
