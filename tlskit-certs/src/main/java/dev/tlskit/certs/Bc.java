package dev.tlskit.certs;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The BouncyCastle provider instance TlsKit uses for password-based encryption. It is passed explicitly to each
 * BouncyCastle builder and never registered with {@code java.security.Security}, so loading TlsKit changes nothing
 * for the rest of the application.
 */
final class Bc {
  static final Provider PROVIDER = new BouncyCastleProvider();

  /** PBKDF2 iterations for the keys and PKCS#12 files we write (OpenSSL 3 writes 2048; we pay more for safety). */
  static final int ITERATIONS = 100_000;

  private Bc() {}
}
