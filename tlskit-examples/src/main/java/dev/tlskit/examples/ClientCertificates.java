package dev.tlskit.examples;

import dev.tlskit.CertifiedKey;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.certs.KeyFiles;
import java.io.IOException;
import java.nio.file.Path;

/** A client certificate from PEM files, a PKCS#12 file, or a PKCS#11 token (smart card, HSM). */
public final class ClientCertificates {
  private ClientCertificates() {}

  /** Returns a client that presents the certificate in {@code certPem} with the PKCS#8 key in {@code keyPem}. */
  public static TlsClient fromPem(Path certPem, Path keyPem, Path caPem) throws IOException {
    // guide:client-cert-pem
    TlsPolicy policy = TlsPolicy.builder()
        .trust(Trust.fromFile(caPem, null))
        .clientCertificate(CertifiedKey.fromPem(certPem, keyPem, null))   // leaf then chain; PKCS#8 key
        .build();
    return TlsClient.builder().policy(policy).build();
    // guide:end
  }

  /** Returns a client that presents the first key entry of a PKCS#12 file. */
  public static TlsClient fromPkcs12(Path p12, String passwordEnv, Path caPem) throws IOException {
    // guide:client-cert-p12
    String secret = System.getenv(passwordEnv);                  // never a password in argv or in the source
    if (secret == null) throw new IllegalArgumentException("environment variable " + passwordEnv + " is not set");
    TlsPolicy policy = TlsPolicy.builder()
        .trust(Trust.fromFile(caPem, null))
        .clientCertificate(CertifiedKey.fromKeyStore(p12, secret.toCharArray(), null))   // first key entry
        .build();
    return TlsClient.builder().policy(policy).build();
    // guide:end
  }

  /** Returns a client certificate from key formats the JDK cannot read (PKCS#1, SEC1, legacy encrypted PEM). */
  public static CertifiedKey fromOpensslPem(Path certPem, Path keyPem) throws IOException {
    // guide:client-cert-openssl
    return KeyFiles.readPem(certPem, keyPem, null);   // tlskit-certs reads what openssl writes
    // guide:end
  }

  /** Returns a client that presents the key labelled {@code alias} in the PKCS#11 token of {@code tokenConfig}. */
  public static TlsClient fromPkcs11(Path tokenConfig, String pinEnv, String alias, Path caPem) throws IOException {
    // guide:client-cert-pkcs11
    String pin = System.getenv(pinEnv);                          // the PIN, like a password, from the environment
    if (pin == null) throw new IllegalArgumentException("environment variable " + pinEnv + " is not set");
    TlsPolicy policy = TlsPolicy.builder()
        .trust(Trust.fromFile(caPem, null))
        .clientCertificate(CertifiedKey.fromPkcs11(tokenConfig, pin.toCharArray(), alias))   // a SunPKCS11 config
        .build();
    return TlsClient.builder().policy(policy).build();
    // guide:end
  }

  /** Returns a client that presents the token's first certificate of {@code organization}, when a server asks. */
  public static TlsClient chooseFromToken(Path tokenConfig, char[] pin, String organization, Path caPem)
      throws IOException {
    // guide:client-cert-selector
    TlsPolicy policy = TlsPolicy.builder()
        .trust(Trust.fromFile(caPem, null))
        .clientCertificates(CertifiedKey.allFromPkcs11(tokenConfig, pin))   // every key with a certificate
        .clientCertificateSelector(request -> request.candidates().stream()  // also: serverChain(), issuers
            .filter(k -> k.leaf().getSubjectX500Principal().getName().contains("O=" + organization))
            .findFirst())
        .build();
    return TlsClient.builder().policy(policy).build();
    // guide:end
  }
}
