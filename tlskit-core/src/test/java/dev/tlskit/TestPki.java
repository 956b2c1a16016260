package dev.tlskit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test-only certificate factory: root, intermediate and leaf in a line each, with the knobs validation tests need
 * (validity, names, key usage, weak keys and signatures, CRLs). Certificates are made fresh in every test run.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  /** A certificate with its key and the chain up to (not including) the root. */
  record Held(X509Certificate cert, PrivateKey key, List<X509Certificate> chain) {
    CertifiedKey certifiedKey() {
      return CertifiedKey.of(key, chain);
    }

    String pem() {
      return TestPki.pem(cert);
    }

    String chainPem() {
      StringBuilder sb = new StringBuilder();
      for (X509Certificate c : chain) sb.append(TestPki.pem(c));
      return sb.toString();
    }

    String keyPem() {
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    }
  }

  static Builder builder(String commonName) {
    return new Builder(commonName);
  }

  static Held root(String cn) {
    return builder(cn).ca().build();
  }

  static Held intermediate(String cn, Held issuer) {
    return builder(cn).ca().issuer(issuer).build();
  }

  static Held leaf(Held issuer, String... names) {
    Builder b = builder(names.length > 0 ? names[0] : "leaf").issuer(issuer);
    for (String n : names) b.san(n);
    return b.build();
  }

  static String pem(X509Certificate c) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns a CRL issued by {@code issuer} that revokes {@code revoked}. */
  static X509CRL crl(Held issuer, X509Certificate... revoked) {
    try {
      Date now = new Date();
      X509v2CRLBuilder b = new X509v2CRLBuilder(
          org.bouncycastle.asn1.x500.X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded()),
          new Date(now.getTime() - 60_000));
      b.setNextUpdate(new Date(now.getTime() + 86_400_000));
      for (X509Certificate c : revoked) b.addCRLEntry(c.getSerialNumber(), now, CRLReason.keyCompromise);
      var signer = new JcaContentSignerBuilder(sigAlg(issuer.key(), false)).build(issuer.key());
      return new JcaX509CRLConverter().getCRL(b.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final class Builder {
    private final String cn;
    private Held issuer;
    private boolean ca;
    private final List<GeneralName> sans = new ArrayList<>();
    private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(1));
    private String keyType = "EC";
    private int keyBits = 256;
    private boolean sha1;
    private KeyPurposeId[] eku;
    private Integer keyUsage;

    Builder(String cn) {
      this.cn = cn;
    }

    Builder issuer(Held issuer) {
      this.issuer = issuer;
      return this;
    }

    Builder ca() {
      this.ca = true;
      return this;
    }

    Builder san(String name) {
      boolean ip = name.matches("[0-9.]+") || (name.contains(":") && !name.contains("*"));
      sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
      return this;
    }

    /** Adds a DNS SAN even when the text looks like an IP address. */
    Builder dnsSan(String name) {
      sans.add(new GeneralName(GeneralName.dNSName, name));
      return this;
    }

    Builder validity(Instant from, Instant to) {
      this.notBefore = from;
      this.notAfter = to;
      return this;
    }

    Builder expired() {
      return validity(Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
    }

    Builder notYetValid() {
      return validity(Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
    }

    Builder rsa(int bits) {
      this.keyType = "RSA";
      this.keyBits = bits;
      return this;
    }

    Builder sha1() {
      this.sha1 = true;
      return this;
    }

    Builder eku(KeyPurposeId... purposes) {
      this.eku = purposes;
      return this;
    }

    Builder keyUsage(int bcKeyUsageBits) {
      this.keyUsage = bcKeyUsageBits;
      return this;
    }

    Held build() {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance(keyType);
        if (keyType.equals("EC")) g.initialize(new ECGenParameterSpec("secp256r1"));
        else g.initialize(keyBits);
        KeyPair kp = g.generateKeyPair();
        X500Principal subject = new X500Principal("CN=" + cn);
        X500Principal issuerName = issuer == null ? subject : issuer.cert().getSubjectX500Principal();
        PrivateKey signKey = issuer == null ? kp.getPrivate() : issuer.key();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
            BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
            kp.getPublic());
        if (ca) {
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
          b.addExtension(Extension.keyUsage, true,
              new KeyUsage(keyUsage != null ? keyUsage : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku != null ? eku
              : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        }
        if (!sans.isEmpty()) {
          b.addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        var signer = new JcaContentSignerBuilder(sigAlg(signKey, sha1)).build(signKey);
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        if (issuer != null && issuer.chain().size() > 0 && !isRoot(issuer)) chain.addAll(issuer.chain());
        return new Held(cert, kp.getPrivate(), chain);
      } catch (Exception e) {
        throw new IllegalStateException("test certificate generation failed", e);
      }
    }

    private static boolean isRoot(Held h) {
      return h.cert().getSubjectX500Principal().equals(h.cert().getIssuerX500Principal());
    }
  }

  private static String sigAlg(PrivateKey key, boolean sha1) {
    String hash = sha1 ? "SHA1" : "SHA256";
    return key.getAlgorithm().equals("EC") ? hash + "withECDSA" : hash + "withRSA";
  }
}
