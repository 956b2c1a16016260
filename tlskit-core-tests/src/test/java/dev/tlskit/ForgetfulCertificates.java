package dev.tlskit;

import java.io.InputStream;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateFactorySpi;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * A JCA provider, put first in the JVM's list while installed, whose X.509 certificate factory returns certificates
 * that remember no verification: each {@code verify} runs a new {@link Signature}, as BouncyCastle's certificate
 * objects do (the JDK's keep the result per key). JSSE parses peer certificates with the first such factory, so an
 * application that puts BouncyCastle's provider first hands TlsKit certificates like these.
 */
final class ForgetfulCertificates extends Provider implements AutoCloseable {
  private static final long serialVersionUID = 1L;

  private ForgetfulCertificates() {
    super("TlsKitForgetfulCertificates", "1", "X.509 certificates that remember no verification");
    putService(new Service(this, "CertificateFactory", "X.509", Factory.class.getName(), null, null) {
      @Override
      public Object newInstance(Object parameter) {
        return new Factory();
      }
    });
  }

  /** Puts the provider first in the JVM's list until it is closed. */
  static ForgetfulCertificates install() {
    ForgetfulCertificates p = new ForgetfulCertificates();
    if (Security.insertProviderAt(p, 1) != 1) throw new IllegalStateException("could not install " + p.getName());
    return p;
  }

  @Override
  public void close() {
    Security.removeProvider(getName());
  }

  private static CertificateFactory sun() throws CertificateException {
    try {
      return CertificateFactory.getInstance("X.509", "SUN");
    } catch (NoSuchProviderException e) {
      throw new CertificateException(e);
    }
  }

  /** The JDK's factory, with every certificate it makes wrapped. */
  public static final class Factory extends CertificateFactorySpi {
    @Override
    public Certificate engineGenerateCertificate(InputStream in) throws CertificateException {
      return new Forgetful((X509Certificate) sun().generateCertificate(in));
    }

    @Override
    public Collection<? extends Certificate> engineGenerateCertificates(InputStream in) throws CertificateException {
      List<Certificate> out = new ArrayList<>();
      for (Certificate c : sun().generateCertificates(in)) out.add(new Forgetful((X509Certificate) c));
      return out;
    }

    @Override
    public CRL engineGenerateCRL(InputStream in) throws CRLException {
      try {
        return sun().generateCRL(in);
      } catch (CertificateException e) {
        throw new CRLException(e);
      }
    }

    @Override
    public Collection<? extends CRL> engineGenerateCRLs(InputStream in) throws CRLException {
      try {
        return sun().generateCRLs(in);
      } catch (CertificateException e) {
        throw new CRLException(e);
      }
    }

    @Override
    public CertPath engineGenerateCertPath(List<? extends Certificate> certificates) throws CertificateException {
      return sun().generateCertPath(certificates);
    }

    @Override
    public CertPath engineGenerateCertPath(InputStream in) throws CertificateException {
      return sun().generateCertPath(in);
    }

    @Override
    public CertPath engineGenerateCertPath(InputStream in, String encoding) throws CertificateException {
      return sun().generateCertPath(in, encoding);
    }

    @Override
    public Iterator<String> engineGetCertPathEncodings() {
      try {
        return sun().getCertPathEncodings();
      } catch (CertificateException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A JDK certificate whose signature is verified afresh on every call. */
  static final class Forgetful extends X509Certificate {
    private static final long serialVersionUID = 1L;
    private final X509Certificate c;

    Forgetful(X509Certificate c) {
      this.c = c;
    }

    @Override
    public void verify(PublicKey key) throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
        SignatureException {
      Signature s = Signature.getInstance(c.getSigAlgName());
      s.initVerify(key);
      s.update(c.getTBSCertificate());
      if (!s.verify(c.getSignature())) throw new SignatureException("signature does not match");
    }

    @Override
    public void verify(PublicKey key, String provider) throws CertificateException, NoSuchAlgorithmException,
        InvalidKeyException, SignatureException {
      verify(key);
    }

    @Override
    public byte[] getEncoded() throws CertificateEncodingException {
      return c.getEncoded();
    }

    @Override
    public String toString() {
      return c.toString();
    }

    @Override
    public PublicKey getPublicKey() {
      return c.getPublicKey();
    }

    @Override
    public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
      c.checkValidity();
    }

    @Override
    public void checkValidity(Date date) throws CertificateExpiredException, CertificateNotYetValidException {
      c.checkValidity(date);
    }

    @Override
    public int getVersion() {
      return c.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
      return c.getSerialNumber();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Principal getIssuerDN() {
      return c.getIssuerDN();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Principal getSubjectDN() {
      return c.getSubjectDN();
    }

    @Override
    public X500Principal getIssuerX500Principal() {
      return c.getIssuerX500Principal();
    }

    @Override
    public X500Principal getSubjectX500Principal() {
      return c.getSubjectX500Principal();
    }

    @Override
    public Date getNotBefore() {
      return c.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
      return c.getNotAfter();
    }

    @Override
    public byte[] getTBSCertificate() throws CertificateEncodingException {
      return c.getTBSCertificate();
    }

    @Override
    public byte[] getSignature() {
      return c.getSignature();
    }

    @Override
    public String getSigAlgName() {
      return c.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
      return c.getSigAlgOID();
    }

    @Override
    public byte[] getSigAlgParams() {
      return c.getSigAlgParams();
    }

    @Override
    public boolean[] getIssuerUniqueID() {
      return c.getIssuerUniqueID();
    }

    @Override
    public boolean[] getSubjectUniqueID() {
      return c.getSubjectUniqueID();
    }

    @Override
    public boolean[] getKeyUsage() {
      return c.getKeyUsage();
    }

    @Override
    public List<String> getExtendedKeyUsage() throws CertificateParsingException {
      return c.getExtendedKeyUsage();
    }

    @Override
    public int getBasicConstraints() {
      return c.getBasicConstraints();
    }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
      return c.getSubjectAlternativeNames();
    }

    @Override
    public Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
      return c.getIssuerAlternativeNames();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
      return c.hasUnsupportedCriticalExtension();
    }

    @Override
    public Set<String> getCriticalExtensionOIDs() {
      return c.getCriticalExtensionOIDs();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
      return c.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
      return c.getExtensionValue(oid);
    }
  }
}
