package dev.tlskit;

import dev.tlskit.internal.trust.Certs;
import dev.tlskit.internal.trust.KeyMaterial;
import dev.tlskit.internal.trust.Pkcs11Tokens;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain (leaf first): what a client presents for mutual TLS, or a server for its
 * name. Immutable. This is TlsKit's one key-and-chain type: core takes it, and {@code dev.tlskit.certs} reads and
 * writes it ({@code KeyFiles}, {@code HeldCertificate.certifiedKey()}). Construction proves, once, that the key
 * belongs to the leaf certificate (by signing and verifying).
 *
 * <p>Core reads PKCS#12, JKS and PKCS#8 PEM. PKCS#1, SEC1 and legacy encrypted PEM keys are read by
 * {@code dev.tlskit.certs.KeyFiles}, which returns this type. Keys in a PKCS#11 token (smart card, HSM) are reached
 * through the JDK's SunPKCS11 provider: {@link #fromPkcs11}, {@link #allFromPkcs11}; such a key never leaves its
 * token (the proof and every TLS signature are made inside it).
 */
public final class CertifiedKey {
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;

  private CertifiedKey(PrivateKey privateKey, List<X509Certificate> chain, boolean proven) {
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.chain = List.copyOf(chain);
    if (this.chain.isEmpty()) throw new IllegalArgumentException("chain must hold at least the leaf certificate");
    if (!proven && !KeyMaterial.matches(privateKey, this.chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException("private key (" + privateKey.getAlgorithm()
          + ") does not belong to certificate " + Certs.subject(this.chain.get(0))
          + (privateKey.getEncoded() != null ? "" : ", or cannot sign: a key that cannot leave its token signs only"
              + " through its provider, which must be registered with java.security.Security (fromPkcs11 does that)"));
    }
  }

  /**
   * Pairs a key with its chain (leaf first).
   *
   * @throws IllegalArgumentException if the chain is empty or the key does not belong to its first certificate
   */
  public static CertifiedKey of(PrivateKey privateKey, List<X509Certificate> chain) {
    return new CertifiedKey(privateKey, chain, false);
  }

  /**
   * Pairs a key with the certificate among {@code certificates} that it belongs to, followed by that certificate's
   * issuers as far as {@code certificates} holds them, whatever their order (as in a PEM bundle or a PKCS#12 file);
   * certificates outside that chain are dropped. The first certificate that matches the key is taken.
   *
   * @throws IllegalArgumentException naming the key and every certificate's subject when none matches the key
   */
  public static CertifiedKey fromCertificates(PrivateKey privateKey, List<X509Certificate> certificates) {
    Objects.requireNonNull(privateKey, "privateKey");
    List<X509Certificate> chain = KeyMaterial.chainOf(privateKey, certificates);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the private key (" + privateKey.getAlgorithm() + ") matches none of the "
          + certificates.size() + " certificates " + certificates.stream().map(Certs::subject).toList());
    }
    return new CertifiedKey(privateKey, chain, true);
  }

  /**
   * Reads the first private key entry of a PKCS#12 or JKS key store (type detected from the content), or the entry
   * named {@code alias} when it is not null.
   */
  public static CertifiedKey fromKeyStore(Path file, char[] password, String alias) throws IOException {
    KeyStore ks = KeyMaterial.loadKeyStore(file, password);
    KeyStore.PrivateKeyEntry e = KeyMaterial.privateKeyEntry(ks, password, alias, file.toString());
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate c : e.getCertificateChain()) chain.add((X509Certificate) c);
    return new CertifiedKey(e.getPrivateKey(), chain, false);
  }

  /**
   * Reads a PEM certificate chain and a PKCS#8 PEM key ({@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} with
   * {@code password}). Both may be the same file.
   */
  public static CertifiedKey fromPem(Path chainFile, Path keyFile, char[] password) throws IOException {
    List<X509Certificate> chain = KeyMaterial.parseCertificates(KeyMaterial.read(chainFile), chainFile.toString());
    PrivateKey key = KeyMaterial.parsePkcs8(KeyMaterial.read(keyFile), password, keyFile.toString());
    return new CertifiedKey(key, chain, false);
  }

  /**
   * Logs in to the PKCS#11 token described by a SunPKCS11 configuration file ({@code name}, {@code library} and
   * {@code slot} or {@code slotListIndex}; see the JDK's PKCS#11 reference guide) with {@code pin}, and returns its
   * first private key that has a certificate (in alias order), or the one named {@code alias} when it is not null.
   * The chain is the one the token stores under that alias (often the leaf alone). The provider is configured once
   * per file and registered with {@link java.security.Security} so that JSSE can sign with the key; a PKCS#11 login
   * lasts for the process, so once a token is logged in the PIN is not checked again.
   *
   * @throws Pkcs11Exception naming the file and the problem (wrong PIN, locked PIN, no key, unusable configuration)
   */
  public static CertifiedKey fromPkcs11(Path configFile, char[] pin, String alias) throws Pkcs11Exception {
    return allFromPkcs11(configFile, pin, alias).get(0);
  }

  /**
   * Returns every private key with a certificate in the PKCS#11 token of {@code configFile}, in alias order, as in
   * {@link #fromPkcs11}: a collection for {@link TlsPolicy.Builder#clientCertificates}.
   *
   * @throws Pkcs11Exception naming the file and the problem; {@link Pkcs11Exception.Problem#NO_KEY} when the token
   *     holds no such key
   */
  public static List<CertifiedKey> allFromPkcs11(Path configFile, char[] pin) throws Pkcs11Exception {
    return allFromPkcs11(configFile, pin, null);
  }

  private static List<CertifiedKey> allFromPkcs11(Path configFile, char[] pin, String alias)
      throws Pkcs11Exception {
    List<CertifiedKey> out = new ArrayList<>();
    for (Pkcs11Tokens.Entry e : Pkcs11Tokens.entries(configFile, pin, alias)) {
      try {
        out.add(new CertifiedKey(e.key(), e.chain(), false));
      } catch (IllegalArgumentException mismatch) {
        throw new Pkcs11Exception(configFile.toString(), Pkcs11Exception.Problem.NO_KEY,
            "the key under the alias " + e.alias() + " " + mismatch.getMessage(), mismatch);
      }
    }
    return List.copyOf(out);
  }

  /** Returns the private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** Returns the chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** Returns the leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /**
   * Returns an in-memory PKCS#12 key store holding this key and chain under {@code alias}, protected by
   * {@code password}: for a {@code KeyManagerFactory}, or code that wants a JDK key store. Not for a key in a
   * PKCS#11 token, which cannot be exported: that throws {@link IllegalStateException}.
   */
  public KeyStore toKeyStore(String alias, char[] password) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(alias, privateKey, password, chain.toArray(X509Certificate[]::new));
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an in-memory key store: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "CertifiedKey[" + Certs.subject(leaf()) + ", " + privateKey.getAlgorithm() + "]";
  }
}
