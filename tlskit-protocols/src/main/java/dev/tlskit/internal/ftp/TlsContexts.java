package dev.tlskit.internal.ftp;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/** Creates the two TLS contexts an FTPS client may need from one set of trust and key material. */
public final class TlsContexts {
  private TlsContexts() {}

  private static final class BcHolder {
    // Created once: building the providers costs tens of milliseconds.
    static final BouncyCastleJsseProvider JSSE = new BouncyCastleJsseProvider(new BouncyCastleProvider());
  }

  /** Returns trust managers for the JDK's default trust anchors (the cacerts file). */
  public static TrustManager[] defaultTrust() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's default trust anchors cannot be loaded", e);
    }
  }

  /** Returns a JDK (SunJSSE) context with its own session cache. */
  public static SSLContext jdk(TrustManager[] trust, KeyManager[] keys) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a JDK TLS context", e);
    }
  }

  /** Returns a BouncyCastle JSSE context, with BouncyCastle's own JCA provider for its cryptography. */
  public static SSLContext bouncyCastle(TrustManager[] trust, KeyManager[] keys) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS", BcHolder.JSSE);
      ctx.init(keys, trust, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a BouncyCastle TLS context", e);
    }
  }
}
