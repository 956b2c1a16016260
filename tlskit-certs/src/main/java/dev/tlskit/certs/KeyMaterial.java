package dev.tlskit.certs;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A private key and the certificate chain that goes with it (its certificate first, then issuers): what a server
 * serves, or a client presents. Immutable.
 */
public final class KeyMaterial {
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;

  private KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
  }

  /**
   * Returns key material for a key and its chain.
   *
   * @throws IllegalArgumentException if the chain is empty or the key does not belong to its first certificate
   */
  public static KeyMaterial of(PrivateKey privateKey, List<X509Certificate> chain) {
    Objects.requireNonNull(privateKey, "privateKey");
    if (chain.isEmpty()) throw new IllegalArgumentException("chain is empty");
    if (!Keys.matches(privateKey, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(
          "private key does not match certificate " + chain.get(0).getSubjectX500Principal());
    }
    return new KeyMaterial(privateKey, chain);
  }

  /**
   * Loads a PEM certificate chain and its PEM private key. The chain is put in order (the key's certificate first,
   * then each issuer), whatever the order in the file. Both may be the same file.
   *
   * @param password for an encrypted key, else null
   * @throws CertificateFileException naming the file at fault, including when the key does not match any
   *     certificate
   */
  public static KeyMaterial fromPem(Path certFile, Path keyFile, char[] password) throws CertificateFileException {
    List<X509Certificate> certs = Pem.readCertificates(certFile);
    PrivateKey key = Pem.readPrivateKey(keyFile, password);
    return new KeyMaterial(key, orderedChain(key, certs, keyFile + " and " + certFile, keyFile.toString()));
  }

  /**
   * Loads the one private key in a PKCS#12 file and its chain.
   *
   * @throws CertificateFileException on a wrong password, a file that is not PKCS#12, or one holding no key or
   *     several (use {@link #fromPkcs12(Path, char[], String)} then)
   */
  public static KeyMaterial fromPkcs12(Path file, char[] password) throws CertificateFileException {
    return fromPkcs12(file, password, null);
  }

  /** Loads the private key with the given alias (friendly name) from a PKCS#12 file, and its chain. */
  public static KeyMaterial fromPkcs12(Path file, char[] password, String alias) throws CertificateFileException {
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
    return new KeyMaterial(entry.key(), orderedChain(entry.key(), certs, name, name));
  }

  /** Returns the private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** Returns the chain: the key's certificate first, then its issuers. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** Returns the key's own certificate, the first of the chain. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /**
   * Writes the chain to {@code certFile} and the key (PKCS#8, mode 0600) to {@code keyFile}.
   *
   * @param password encrypts the key when non-null
   */
  public void writePem(Path certFile, Path keyFile, char[] password) throws IOException {
    Pem.writeCertificates(certFile, chain);
    Pem.writePrivateKey(keyFile, privateKey, password);
  }

  /** Writes key and chain as a password-protected PKCS#12 file (mode 0600); see {@link Pkcs12}. */
  public void writePkcs12(Path file, String alias, char[] password) throws IOException {
    Pkcs12.write(file, this, alias, password);
  }

  /**
   * Returns an in-memory JDK key store holding this key and chain under {@code alias}, protected by
   * {@code password}: hand it to a {@code KeyManagerFactory}.
   */
  public KeyStore toKeyStore(String alias, char[] password) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(alias, privateKey, password, chain.toArray(X509Certificate[]::new));
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build in-memory key store: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "KeyMaterial{" + certificate().getSubjectX500Principal() + ", " + Keys.describe(privateKey)
        + ", chain of " + chain.size() + "}";
  }

  /**
   * Returns the certificate the key belongs to, followed by its issuers as far as {@code certs} holds them; other
   * certificates are dropped.
   */
  private static List<X509Certificate> orderedChain(PrivateKey key, List<X509Certificate> certs, String where,
      String keyName) throws CertificateFileException {
    X509Certificate leaf = null;
    for (X509Certificate c : certs) {
      if (Keys.matches(key, c.getPublicKey())) {
        leaf = c;
        break;
      }
    }
    if (leaf == null) {
      throw new CertificateFileException(keyName, CertificateFileException.Problem.KEY_MISMATCH,
          "the private key (" + Keys.describe(key) + ") matches none of the certificates in " + where + " "
          + certs.stream().map(c -> c.getSubjectX500Principal().getName()).toList(), null);
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    List<X509Certificate> rest = new ArrayList<>(certs);
    rest.remove(leaf);
    X509Certificate current = leaf;
    while (!HeldCertificate.isSelfSigned(current)) {
      X509Certificate issuer = null;
      for (X509Certificate c : rest) {
        if (c.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
          issuer = c;
          break;
        }
      }
      if (issuer == null) break;
      chain.add(issuer);
      rest.remove(issuer);
      current = issuer;
    }
    return chain;
  }
}
