package dev.tlskit.internal.ftp;

import java.security.Provider;
import java.security.SecureRandom;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/** Holds the BouncyCastle JSSE provider that FTPS uses for TLS 1.2 control and data connections. */
public final class TlsContexts {
  private TlsContexts() {}

  private static final class Holder {
    // Created once: building the provider costs tens of milliseconds. Its cryptography comes from the JDK's JCA
    // providers, whose AES-GCM uses the CPU's AES instructions (BouncyCastle's pure-Java AES is several times slower).
    // The JDK has no SecureRandom named "DEFAULT", which BouncyCastle asks for when SSLContext.init gets none.
    static final Provider JSSE = new BouncyCastleJsseProvider(false, new JcaTlsCryptoProvider() {
      @Override
      public JcaTlsCrypto create(SecureRandom random) {
        return super.create(random != null ? random : new SecureRandom());
      }

      @Override
      public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
        return super.create(keyRandom != null ? keyRandom : new SecureRandom(),
            nonceRandom != null ? nonceRandom : new SecureRandom());
      }
    });
  }

  /** Returns BouncyCastle's JSSE provider. */
  public static Provider bouncyCastleJsse() {
    return Holder.JSSE;
  }
}
