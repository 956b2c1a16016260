package dev.tlskit.internal.trust;

import dev.tlskit.Pkcs11Exception;
import dev.tlskit.Pkcs11Exception.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

/**
 * Opens PKCS#11 tokens through the JDK's SunPKCS11 provider: one provider per configuration file, configured once and
 * registered with {@link Security} (JSSE and {@link java.security.Signature} find a provider for a token key only
 * among the registered ones; the key never leaves the token, the provider signs in it).
 *
 * <p>PKCS#11 logs a process in to a token once: after a successful login, later loads of the same token in the same
 * JVM do not check the PIN again.
 */
public final class Pkcs11Tokens {
  private static final Map<Path, Provider> PROVIDERS = new ConcurrentHashMap<>();

  private Pkcs11Tokens() {}

  /** A private key of the token with its certificate chain as the token stores it (leaf first). */
  public record Entry(String alias, PrivateKey key, List<X509Certificate> chain) {}

  /**
   * Logs in to the token of {@code config} with {@code pin} and returns its private keys that have a certificate, in
   * alias order; only the one named {@code alias} when it is not null.
   *
   * @throws Pkcs11Exception naming the configuration file and the problem
   */
  public static List<Entry> entries(Path config, char[] pin, String alias) throws Pkcs11Exception {
    String name = config.toString();
    Provider p = provider(config);
    KeyStore ks;
    try {
      ks = KeyStore.getInstance("PKCS11", p);
      ks.load(null, pin);
    } catch (IOException e) {
      throw loginFailure(name, e);
    } catch (Exception e) {
      throw new Pkcs11Exception(name, Problem.BAD_CONFIGURATION, "cannot open the token: " + e.getMessage(), e);
    }
    List<Entry> out = new ArrayList<>();
    try {
      List<String> aliases = Collections.list(ks.aliases());
      Collections.sort(aliases);
      for (String a : aliases) {
        if (alias != null && !alias.equals(a)) continue;
        if (!ks.isKeyEntry(a)) continue;
        Certificate[] certs = ks.getCertificateChain(a);
        if (certs == null || certs.length == 0) continue;
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : certs) chain.add((X509Certificate) c);
        out.add(new Entry(a, (PrivateKey) ks.getKey(a, null), List.copyOf(chain)));
      }
    } catch (Exception e) {
      throw new Pkcs11Exception(name, Problem.BAD_CONFIGURATION, "cannot read the token's keys: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new Pkcs11Exception(name, Problem.NO_KEY, alias == null
          ? "the token holds no private key with a certificate"
          : "the token holds no private key with a certificate under the alias " + alias, null);
    }
    return out;
  }

  private static Pkcs11Exception loginFailure(String name, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("CKR_PIN_LOCKED")) {
        return new Pkcs11Exception(name, Problem.PIN_LOCKED, "the token's user PIN is locked", e);
      }
      if (t instanceof FailedLoginException || m.contains("CKR_PIN_INCORRECT") || m.contains("CKR_PIN_LEN_RANGE")) {
        return new Pkcs11Exception(name, Problem.WRONG_PIN, "the token refused the PIN", e);
      }
    }
    boolean login = e.getCause() instanceof LoginException;
    return new Pkcs11Exception(name, Problem.BAD_CONFIGURATION,
        (login ? "cannot log in to the token: " : "cannot open the token: ") + e.getMessage(), e);
  }

  private static Provider provider(Path config) throws Pkcs11Exception {
    Path key = config.toAbsolutePath().normalize();
    Provider known = PROVIDERS.get(key);
    if (known != null) return known;
    synchronized (PROVIDERS) {
      known = PROVIDERS.get(key);
      if (known != null) return known;
      String name = config.toString();
      if (!Files.isReadable(config)) {
        throw new Pkcs11Exception(name, Problem.BAD_CONFIGURATION, "the configuration file cannot be read", null);
      }
      Provider base = Security.getProvider("SunPKCS11");
      if (base == null) {
        throw new Pkcs11Exception(name, Problem.PROVIDER_UNAVAILABLE,
            "this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki)", null);
      }
      Provider p;
      try {
        p = base.configure(key.toString());
      } catch (RuntimeException e) { // InvalidParameterException, ProviderException: syntax, library, slot
        String why = e.getCause() != null && e.getCause().getMessage() != null
            ? e.getMessage() + ": " + e.getCause().getMessage() : e.getMessage();
        throw new Pkcs11Exception(name, Problem.BAD_CONFIGURATION, "SunPKCS11 cannot use it: " + why, e);
      }
      if (Security.getProvider(p.getName()) != null) {
        throw new Pkcs11Exception(name, Problem.BAD_CONFIGURATION, "the provider name " + p.getName()
            + " is already taken in this JVM by another configuration: give each configuration its own name", null);
      }
      Security.addProvider(p);
      PROVIDERS.put(key, p);
      return p;
    }
  }
}
