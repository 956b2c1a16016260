package dev.tlskit;

import dev.tlskit.certs.ExtendedKeyUsage;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates, made fresh in every run with tlskit-certs' {@link HeldCertificate}. Two things it refuses to
 * make are done here with BouncyCastle directly, because validation tests need them: certificates signed with SHA-1
 * and subject alternative names that are not valid DNS names (malformed wildcards); also an OCSP responder URL, and
 * CRLs.
 */
public final class TestPki {
  private TestPki() {}

  /** A certificate with its key; {@link #chain()} is what a peer presents (leaf first, no root). */
  public record Held(HeldCertificate held) {
    X509Certificate cert() {
      return held.certificate();
    }

    PrivateKey key() {
      return held.privateKey();
    }

    List<X509Certificate> chain() {
      return held.chain();
    }

    CertifiedKey certifiedKey() {
      return CertifiedKey.of(key(), chain());
    }

    String chainPem() {
      return Pem.encodeCertificates(chain());
    }

    String keyPem() {
      return held.privateKeyPkcs8Pem();
    }
  }

  static Builder builder(String commonName) {
    return new Builder(commonName);
  }

  static Held root(String cn) {
    return new Held(HeldCertificate.root(cn));
  }

  static Held intermediate(String cn, Held issuer) {
    return new Held(HeldCertificate.intermediate(cn, issuer.held()));
  }

  static Held leaf(Held issuer, String... names) {
    return new Held(HeldCertificate.leaf(issuer.held(), names));
  }

  /** Returns a CRL issued by {@code issuer} that revokes {@code revoked} (reason keyCompromise). */
  /** Returns a CRL signed by {@code issuer} listing {@code revoked} (key compromise), valid for a day. */
  public static X509CRL crl(Held issuer, X509Certificate... revoked) {
    try {
      Date now = new Date();
      X509v2CRLBuilder b = new X509v2CRLBuilder(
          org.bouncycastle.asn1.x500.X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded()),
          new Date(now.getTime() - 60_000));
      b.setNextUpdate(new Date(now.getTime() + 86_400_000));
      for (X509Certificate c : revoked) b.addCRLEntry(c.getSerialNumber(), now, CRLReason.keyCompromise);
      return new JcaX509CRLConverter().getCRL(b.build(signer(issuer.key(), false)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key, boolean sha1) throws Exception {
    String hash = sha1 ? "SHA1" : "SHA256";
    return new JcaContentSignerBuilder(hash + (key.getAlgorithm().equals("EC") ? "withECDSA" : "withRSA"))
        .build(key);
  }

  static final class Builder {
    private final HeldCertificate.Builder b;
    private final String cn;
    private Held issuer;
    private final List<String> rawDnsNames = new ArrayList<>();
    private boolean sha1;
    private String ocspUrl;

    Builder(String cn) {
      this.cn = cn;
      this.b = HeldCertificate.builder().commonName(cn);
    }

    Builder issuer(Held issuer) {
      this.issuer = issuer;
      b.signedBy(issuer.held());
      return this;
    }

    Builder ca() {
      b.certificateAuthority();
      return this;
    }

    /** Adds a subject alternative name: an IP address when it parses as one, else a DNS name (even malformed). */
    Builder san(String name) {
      try {
        b.addSubjectAlternativeName(name);
      } catch (IllegalArgumentException e) {
        rawDnsNames.add(name); // malformed on purpose: made below with BouncyCastle
      }
      return this;
    }

    /** Adds a DNS SAN even when the text looks like an IP address. */
    Builder dnsSan(String name) {
      b.addDnsName(name);
      return this;
    }

    Builder expired() {
      b.expired();
      return this;
    }

    Builder notYetValid() {
      b.notYetValid();
      return this;
    }

    Builder rsa(int bits) {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        b.keyPair(g.generateKeyPair());
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      return this;
    }

    /** Signs with SHA-1 (which HeldCertificate never does). */
    Builder sha1() {
      this.sha1 = true;
      return this;
    }

    /** Names an OCSP responder in the authority information access extension. */
    Builder ocspUrl(String url) {
      this.ocspUrl = url;
      return this;
    }

    Builder eku(ExtendedKeyUsage... usages) {
      b.extendedKeyUsages(usages);
      return this;
    }

    Held build() {
      Held held = new Held(b.build());
      if (!sha1 && rawDnsNames.isEmpty() && ocspUrl == null) return held;
      return reissue(held);
    }

    /** Re-signs {@code held}'s key and extensions with what HeldCertificate does not make (odd SANs, SHA-1, AIA). */
    private Held reissue(Held held) {
      try {
        X509Certificate c = held.cert();
        PrivateKey signKey = issuer == null ? held.key() : issuer.key();
        X500Principal issuerName = issuer == null ? c.getSubjectX500Principal() : issuer.cert().getSubjectX500Principal();
        var cb = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, new java.security.SecureRandom()),
            c.getNotBefore(), c.getNotAfter(), c.getSubjectX500Principal(), c.getPublicKey());
        var holder = new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(c);
        for (Object oid : holder.getExtensionOIDs()) {
          var id = (org.bouncycastle.asn1.ASN1ObjectIdentifier) oid;
          if (id.equals(Extension.subjectAlternativeName) && !rawDnsNames.isEmpty()) continue;
          cb.copyAndAddExtension(id, holder.getExtension(id).isCritical(), holder);
        }
        if (!rawDnsNames.isEmpty()) {
          List<GeneralName> names = new ArrayList<>();
          for (String n : rawDnsNames) names.add(new GeneralName(GeneralName.dNSName, n));
          var existing = c.getSubjectAlternativeNames();
          if (existing != null) {
            for (List<?> e : existing) names.add(new GeneralName((Integer) e.get(0), (String) e.get(1)));
          }
          cb.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        if (ocspUrl != null) {
          cb.addExtension(Extension.authorityInfoAccess, false, new org.bouncycastle.asn1.x509.AuthorityInformationAccess(
              org.bouncycastle.asn1.x509.X509ObjectIdentifiers.ocspAccessMethod,
              new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
        }
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(cb.build(signer(signKey, sha1)));
        List<X509Certificate> chain = new ArrayList<>(List.of(cert));
        if (issuer != null) chain.addAll(issuer.held().fullChain());
        return new Held(HeldCertificate.of(held.key(), chain));
      } catch (Exception e) {
        throw new IllegalStateException("cannot re-issue test certificate " + cn, e);
      }
    }
  }
}
