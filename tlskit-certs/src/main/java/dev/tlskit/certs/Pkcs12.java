package dev.tlskit.certs;

import dev.tlskit.CertifiedKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilderProvider;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Reads and writes PKCS#12 files. Writes the modern form OpenSSL 3 and the JDK read without legacy options: keys
 * and certificates encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), integrity by an HMAC-SHA256 MAC.
 * Reads that form and the legacy ones (3DES, RC2) too.
 */
public final class Pkcs12 {
  private static final String WHAT = "PKCS#12 file";

  private Pkcs12() {}

  /** One private key found in a PKCS#12 file, with its alias and local key id (either may be null). */
  record Entry(String alias, PrivateKey key, byte[] localKeyId) {}

  /** One certificate found in a PKCS#12 file, with the local key id tying it to its key (null for CA certs). */
  record CertificateBag(X509Certificate certificate, byte[] localKeyId) {}

  /** Everything in a PKCS#12 file, in file order. */
  record Contents(List<Entry> keys, List<CertificateBag> certificateBags) {
    List<X509Certificate> certificates() {
      return certificateBags.stream().map(CertificateBag::certificate).toList();
    }
  }

  /**
   * Returns the PKCS#12 encoding of a private key and its chain under {@code alias}.
   *
   * @throws IllegalArgumentException if the password is empty: a PKCS#12 file is never written unprotected
   */
  public static byte[] encode(CertifiedKey material, String alias, char[] password) {
    Pem.requirePassword(password);
    try {
      X509Certificate leaf = material.leaf();
      DEROctetString keyId = new DEROctetString(
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(leaf.getPublicKey()).getKeyIdentifier());
      List<PKCS12SafeBag> certBags = new ArrayList<>();
      for (X509Certificate c : material.chain()) {
        PKCS12SafeBagBuilder b = new JcaPKCS12SafeBagBuilder(c);
        if (c == leaf) {
          b.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias));
          b.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, keyId);
        }
        certBags.add(b.build());
      }
      PKCS12SafeBagBuilder keyBag =
          new PKCS12SafeBagBuilder(Keys.privateKeyInfo(material.privateKey()), encryptor(password));
      keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias));
      keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, keyId);
      PKCS12PfxPdu pfx = new PKCS12PfxPduBuilder()
          .addEncryptedData(encryptor(password), certBags.toArray(PKCS12SafeBag[]::new))
          .addData(keyBag.build())
          .build(new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256)
              .setProvider(Bc.PROVIDER).setIterationCount(Bc.ITERATIONS), password);
      return pfx.getEncoded("DER");
    } catch (IOException | PKCSException | OperatorCreationException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode PKCS#12: " + e.getMessage(), e);
    }
  }

  /** Writes {@link #encode} to {@code file}, replacing it, readable by its owner only (mode 0600). */
  public static void write(Path file, CertifiedKey material, String alias, char[] password) throws IOException {
    FileContents.writeSecret(file, encode(material, alias, password));
  }

  /**
   * Reads every certificate in a PKCS#12 file (trust store or key store), whatever bag attributes it carries.
   *
   * @param password may be null only for a file without MAC and encryption
   */
  public static List<X509Certificate> readCertificates(Path file, char[] password) throws CertificateFileException {
    Contents c = parse(file.toString(), FileContents.read(file), password);
    if (c.certificates().isEmpty()) {
      throw CertificateFileException.wrongFormat(file.toString(), "certificates in the PKCS#12 file",
          "a PKCS#12 file without certificates");
    }
    return c.certificates();
  }

  private static OutputEncryptor encryptor(char[] password) throws OperatorCreationException {
    return new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
        .setProvider(Bc.PROVIDER)
        .setRandom(new SecureRandom())
        .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
        .setIterationCount(Bc.ITERATIONS)
        .build(password);
  }

  static Contents parse(String name, byte[] data, char[] password) throws CertificateFileException {
    PKCS12PfxPdu pfx;
    ContentInfo[] infos;
    try {
      pfx = new PKCS12PfxPdu(data);
      infos = pfx.getContentInfos();
    } catch (IOException | RuntimeException e) {
      String found = FileContents.describe(data);
      if ((data.length > 0 && (data[0] & 0xff) == 0x30) && !FileContents.isDerCertificate(data)
          && found.startsWith("binary DER")) {
        throw CertificateFileException.truncated(name, "a " + WHAT, "a truncated or corrupt PKCS#12 file");
      }
      throw CertificateFileException.wrongFormat(name, "a " + WHAT, found);
    }
    KdfLimits.check(name, "a " + WHAT, pfx.toASN1Structure().getMacData());
    boolean needsPassword = pfx.hasMac();
    for (ContentInfo ci : infos) needsPassword |= ci.getContentType().equals(PKCSObjectIdentifiers.encryptedData);
    if (needsPassword && password == null) throw CertificateFileException.passwordRequired(name, "the " + WHAT);
    try {
      if (pfx.hasMac() && !pfx.isMacValid(new JcePKCS12MacCalculatorBuilderProvider().setProvider(Bc.PROVIDER),
          password)) {
        throw CertificateFileException.wrongPassword(name, WHAT, null);
      }
    } catch (PKCSException | RuntimeException e) {
      throw CertificateFileException.wrongPassword(name, WHAT, e);
    }
    List<Entry> keys = new ArrayList<>();
    List<CertificateBag> certs = new ArrayList<>();
    try {
      var decryptor = new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(Bc.PROVIDER)
          .build(password == null ? new char[0] : password);
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (ContentInfo ci : infos) {
        boolean encrypted = ci.getContentType().equals(PKCSObjectIdentifiers.encryptedData);
        if (encrypted) {
          KdfLimits.check(name, "a " + WHAT,
              EncryptedData.getInstance(ci.getContent()).getEncryptionAlgorithm());
        }
        PKCS12SafeBagFactory bags = encrypted ? new PKCS12SafeBagFactory(ci, decryptor) : new PKCS12SafeBagFactory(ci);
        for (PKCS12SafeBag bag : bags.getSafeBags()) {
          Object value = bag.getBagValue();
          if (value instanceof X509CertificateHolder holder) {
            certs.add(new CertificateBag(converter.getCertificate(holder),
                attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_localKeyId) instanceof ASN1OctetString o
                    ? o.getOctets() : null));
          } else if (value instanceof PKCS8EncryptedPrivateKeyInfo shrouded) {
            KdfLimits.check(name, "a " + WHAT, shrouded.getEncryptionAlgorithm());
            keys.add(entry(name, bag, shrouded.decryptPrivateKeyInfo(decryptor)));
          } else if (value instanceof PrivateKeyInfo plain) {
            keys.add(entry(name, bag, plain));
          }
        }
      }
    } catch (CertificateFileException e) {
      throw e;
    } catch (PKCSException | CertificateException | RuntimeException e) {
      throw CertificateFileException.wrongPassword(name, WHAT, e);
    }
    return new Contents(List.copyOf(keys), List.copyOf(certs));
  }

  private static Entry entry(String name, PKCS12SafeBag bag, PrivateKeyInfo info) throws CertificateFileException {
    String alias = attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_friendlyName) instanceof ASN1String s
        ? s.getString() : null;
    byte[] keyId = attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_localKeyId) instanceof ASN1OctetString o
        ? o.getOctets() : null;
    return new Entry(alias, Pem.toJdkKey(name, info, "PKCS#12 key bag"), keyId);
  }

  private static ASN1Encodable attribute(PKCS12SafeBag bag, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
    Attribute[] attributes = bag.getAttributes();
    if (attributes == null) return null;
    for (Attribute a : attributes) {
      if (a.getAttrType().equals(type) && a.getAttrValues().size() > 0) return a.getAttrValues().getObjectAt(0);
    }
    return null;
  }
}
