package dev.tlskit.cli;

import dev.tlskit.CertifiedKey;
import dev.tlskit.Pkcs11Exception;
import dev.tlskit.TlsPolicy;
import java.nio.file.Path;

/**
 * {@code --cert pkcs11:CONFIG_FILE}: the client certificate of a smart card or HSM, through a SunPKCS11
 * configuration file, the PIN from {@code --cert-password-env}. Without {@code --cert-alias} every key of the token is
 * a candidate and the first valid one whose issuer the server accepts is presented (the library's collection
 * default); with it, that key alone. A token that cannot be opened (wrong PIN, no key, bad file) is a usage error.
 */
final class Pkcs11Option {
  static final String PREFIX = "pkcs11:";

  private Pkcs11Option() {}

  /** Returns true when {@code --cert} names a PKCS#11 configuration. */
  static boolean names(Path cert) {
    return cert != null && cert.toString().startsWith(PREFIX);
  }

  static void apply(GlobalOptions g, TlsPolicy.Builder b) {
    String value = g.cert.toString();
    String file = value.substring(PREFIX.length());
    if (file.isEmpty() || file.contains(";") || file.contains("=")) {
      throw new UsageException("--cert " + value + ": give pkcs11: followed by a SunPKCS11 configuration file"
          + " (name, library, slot); RFC 7512 PKCS#11 URIs are not supported");
    }
    if (g.key != null) throw new UsageException("--key contradicts --cert " + value + ": the key is in the token");
    if (g.certPasswordEnv == null) {
      throw new UsageException("--cert " + value + " needs the token's PIN: --cert-password-env VAR");
    }
    char[] pin = GlobalOptions.secretFromEnv("--cert-password-env", g.certPasswordEnv);
    try {
      if (g.certAlias != null) b.clientCertificate(CertifiedKey.fromPkcs11(Path.of(file), pin, g.certAlias));
      else b.clientCertificates(CertifiedKey.allFromPkcs11(Path.of(file), pin));
    } catch (Pkcs11Exception e) {
      throw new UsageException("--cert: " + e.getMessage() + " (" + e.problem() + ")", e);
    } finally {
      java.util.Arrays.fill(pin, '\0');
    }
  }
}
