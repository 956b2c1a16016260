package dev.tlskit;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JCA provider, put first in the JVM's list while installed, that counts every ECDSA signature verification made
 * through {@link Signature} (certificate signatures in path building and PKIX, and the handshake's CertificateVerify)
 * and hands the work to the JDK's own SunEC provider. For tests that count how often a handshake verifies.
 */
final class CountingSignatures extends Provider implements AutoCloseable {
  private static final long serialVersionUID = 1L;
  private static final List<String> ALGORITHMS = List.of("SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA");

  private final transient AtomicInteger verifications = new AtomicInteger();

  private CountingSignatures() {
    super("TlsKitCountingSignatures", "1", "counts ECDSA verifications, delegating to SunEC");
    for (String algorithm : ALGORITHMS) {
      putService(new Service(this, "Signature", algorithm, Spi.class.getName(), null, null) {
        @Override
        public Object newInstance(Object parameter) {
          return new Spi(algorithm, verifications);
        }
      });
    }
  }

  /** Puts a counting provider first in the JVM's list until it is closed. */
  static CountingSignatures install() {
    CountingSignatures p = new CountingSignatures();
    if (Security.insertProviderAt(p, 1) != 1) throw new IllegalStateException("could not install " + p.getName());
    return p;
  }

  /** Returns the number of verifications counted since the last call, and starts counting again from zero. */
  int take() {
    return verifications.getAndSet(0);
  }

  @Override
  public void close() {
    Security.removeProvider(getName());
  }

  /** One signature object: the SunEC one it wraps does the work; each verify is counted. */
  public static final class Spi extends SignatureSpi {
    private final Signature delegate;
    private final AtomicInteger verifications;

    Spi(String algorithm, AtomicInteger verifications) {
      try {
        this.delegate = Signature.getInstance(algorithm, "SunEC");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      this.verifications = verifications;
    }

    @Override
    protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
      delegate.initVerify(key);
    }

    @Override
    protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
      delegate.initSign(key);
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
      delegate.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
      delegate.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
      return delegate.sign();
    }

    @Override
    protected boolean engineVerify(byte[] signature) throws SignatureException {
      verifications.incrementAndGet();
      return delegate.verify(signature);
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
      throw new InvalidParameterException("no parameters");
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
      throw new InvalidParameterException("no parameters");
    }
  }
}
