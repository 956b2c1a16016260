package dev.tlskit.internal.bc;

import java.security.AlgorithmParameterGenerator;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.SecureRandom;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertStoreParameters;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.ExemptionMechanism;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKeyFactory;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Where BouncyCastle's TLS gets its cryptography: the JDK's providers (their AES-GCM uses the CPU's AES instructions,
 * several times faster than BouncyCastle's pure Java; PKCS#11 keys sign through SunPKCS11), except ML-KEM, which
 * comes from a BouncyCastle provider of our own (never registered in the JVM): bctls drives ML-KEM with
 * BouncyCastle's parameter specs, which the JDK's ML-KEM does not take. A {@link ProviderJcaJceHelper} by type so that
 * bctls asks the same BouncyCastle provider for its {@code javax.crypto.KEM}.
 *
 * <p>bctls also asks for RSA-PSS signatures by BouncyCastle's names ({@code SHA256WITHRSAANDMGF1}), which the JDK
 * does not know (it has {@code RSASSA-PSS} with parameters), and then again from the provider that took the key. From
 * the JDK's providers alone, it finds no RSA-PSS, disables every rsa_pss_* scheme and logs a warning per context for
 * each; so RSA-PSS comes from the private BouncyCastle provider too (with the JDK's RSA keys; not with a key that
 * stays in a PKCS#11 token, whose RSA-PSS the BouncyCastle path therefore cannot use).
 */
final class JdkFirstHelper extends ProviderJcaJceHelper {
  private static final String PSS_SUFFIX = "WITHRSAANDMGF1";
  private final DefaultJcaJceHelper jdk = new DefaultJcaJceHelper();

  JdkFirstHelper() {
    super(new BouncyCastleProvider());
  }

  private static boolean mlKem(String algorithm) {
    String a = algorithm.toUpperCase(Locale.ROOT);
    return a.startsWith("ML-KEM") || a.startsWith("MLKEM");
  }

  @Override
  public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
    return algorithm.toUpperCase(Locale.ROOT).endsWith(PSS_SUFFIX)
        ? super.createSignature(algorithm) : jdk.createSignature(algorithm);
  }

  @Override
  public KeyPairGenerator createKeyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
    return mlKem(algorithm) ? super.createKeyPairGenerator(algorithm) : jdk.createKeyPairGenerator(algorithm);
  }

  @Override
  public KeyGenerator createKeyGenerator(String algorithm) throws NoSuchAlgorithmException {
    return mlKem(algorithm) ? super.createKeyGenerator(algorithm) : jdk.createKeyGenerator(algorithm);
  }

  @Override
  public KeyFactory createKeyFactory(String algorithm) throws NoSuchAlgorithmException {
    return mlKem(algorithm) ? super.createKeyFactory(algorithm) : jdk.createKeyFactory(algorithm);
  }

  @Override
  public Cipher createCipher(String algorithm) throws NoSuchAlgorithmException, NoSuchPaddingException {
    return jdk.createCipher(algorithm);
  }

  @Override
  public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createMac(algorithm);
  }

  @Override
  public KeyAgreement createKeyAgreement(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createKeyAgreement(algorithm);
  }

  @Override
  public AlgorithmParameterGenerator createAlgorithmParameterGenerator(String algorithm)
      throws NoSuchAlgorithmException {
    return jdk.createAlgorithmParameterGenerator(algorithm);
  }

  @Override
  public AlgorithmParameters createAlgorithmParameters(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createAlgorithmParameters(algorithm);
  }

  @Override
  public SecretKeyFactory createSecretKeyFactory(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createSecretKeyFactory(algorithm);
  }

  @Override
  @SuppressWarnings("deprecation")
  public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createMessageDigest(algorithm);
  }

  @Override
  public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createMessageDigest(algorithm);
  }

  @Override
  public CertificateFactory createCertificateFactory(String type) throws CertificateException {
    return jdk.createCertificateFactory(type);
  }

  @Override
  public SecureRandom createSecureRandom(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createSecureRandom(algorithm);
  }

  @Override
  public CertPathBuilder createCertPathBuilder(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createCertPathBuilder(algorithm);
  }

  @Override
  public CertPathValidator createCertPathValidator(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createCertPathValidator(algorithm);
  }

  @Override
  public CertStore createCertStore(String type, CertStoreParameters params)
      throws NoSuchAlgorithmException, InvalidAlgorithmParameterException {
    return jdk.createCertStore(type, params);
  }

  @Override
  public ExemptionMechanism createExemptionMechanism(String algorithm) throws NoSuchAlgorithmException {
    return jdk.createExemptionMechanism(algorithm);
  }

  @Override
  public KeyStore createKeyStore(String type) throws KeyStoreException {
    return jdk.createKeyStore(type);
  }
}
