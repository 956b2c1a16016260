package dev.tlskit;

import dev.tlskit.internal.tls.PolicySocketFactory;
import dev.tlskit.internal.tls.PolicyKeyManager;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The security rules of a TLS endpoint: protocol versions, cipher suites, key-exchange groups and signature schemes,
 * whom to trust and how strictly, which certificate to present, ALPN. Immutable and safe to share; change a copy with
 * {@link #toBuilder()}. The same policy type serves clients (judging servers by name) and servers (judging client
 * certificates, without a name).
 *
 * <h2>Defaults ({@link #MODERN}, what {@link #builder()} starts from)</h2>
 * <ul>
 *   <li>protocols: TLSv1.3, TLSv1.2</li>
 *   <li>cipher suites: TLS 1.3's AES-GCM and ChaCha20-Poly1305; for TLS 1.2 only ECDHE with AES-GCM or
 *       ChaCha20-Poly1305 (forward secret AEAD). NULL, anonymous, export, RC4, DES/3DES and CBC never appear in any
 *       policy, even when asked for.</li>
 *   <li>named groups (RFC 9325): x25519, secp256r1, x448, secp384r1</li>
 *   <li>signature schemes: ECDSA (P-256/384/521 with SHA-2), Ed25519, Ed448, RSA-PSS, RSA PKCS#1 v1.5 with SHA-2;
 *       nothing with SHA-1</li>
 *   <li>trust: the JDK's roots ({@link Trust#system()}); no pins; revocation {@link Revocation#OFF}</li>
 *   <li>hostname verification: on (RFC 9525, {@code dev.tlskit} own matcher): only subjectAltName entries name the
 *       peer, a certificate with none is refused with {@link CertificateProblem.MissingSubjectAltName} (the
 *       subject CN fallback is {@link Builder.Dangerous#allowCommonNameFallback()}, on in
 *       {@link #LEGACY_COMPATIBLE}); weak keys (RSA/DSA below 2048 bits, EC below 256) and SHA-1/MD5 signatures
 *       rejected; the leaf must allow server (or client) authentication</li>
 *   <li>client certificate: none; ALPN: none offered; provider: the JDK's default JSSE provider</li>
 * </ul>
 *
 * <p>Presets: {@link #MODERN}, {@link #STRICT} (TLS 1.3 only) and {@link #LEGACY_COMPATIBLE} (adds TLS 1.2 AEAD
 * suites without forward secrecy, DHE and more groups, and the subject-CN fallback, for old servers; it has to be asked
 * for by name).
 *
 * <p>Contradictory settings fail in {@link Builder#build()} with a message naming both.
 */
public final class TlsPolicy {
  static final List<String> TLS13_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
  static final List<String> TLS12_FS_AEAD_SUITES = List.of(
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  static final List<String> TLS12_LEGACY_SUITES = List.of(
      "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384");
  static final List<String> MODERN_GROUPS = List.of("x25519", "secp256r1", "x448", "secp384r1");
  static final List<String> MODERN_SIGNATURE_SCHEMES = List.of(
      "ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512", "ed25519", "ed448",
      "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
      "rsa_pss_pss_sha256", "rsa_pss_pss_sha384", "rsa_pss_pss_sha512",
      "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512");

  /** TLS 1.3 and 1.2, forward-secret AEAD suites only, RFC 9325 groups. The default. */
  public static final TlsPolicy MODERN = new Builder().build();

  /** TLS 1.3 only. */
  public static final TlsPolicy STRICT = new Builder()
      .protocols("TLSv1.3").cipherSuites(TLS13_SUITES).build();

  /**
   * TLS 1.3 and 1.2 for servers that cannot do better: adds AEAD suites without forward secrecy (RSA key exchange)
   * and with finite-field DHE, and the secp521r1/ffdhe groups. Still no CBC, RC4, 3DES, NULL, export or anonymous
   * suites, and no protocol below TLS 1.2. A server certificate without any subjectAltName is accepted on its subject
   * CN (the fallback RFC 9525 removed), and reported as a {@link CertificateProblem.MissingSubjectAltName} warning.
   */
  public static final TlsPolicy LEGACY_COMPATIBLE = legacy();

  private final List<String> protocols;
  private final List<String> cipherSuites;
  private final List<String> namedGroups;
  private final List<String> signatureSchemes;
  private final boolean legacy;
  private final Trust trust;
  private final Set<String> pins;
  private final Revocation revocation;
  private final List<X509CRL> crls;
  private final CertifiedKey clientCertificate;
  private final ClientCertificateSelector clientCertificateSelector;
  private final ValidationCallback validationCallback;
  private final ValidationCallback dangerousAcceptor;
  private final boolean dangerousSkipHostname;
  private final boolean commonNameFallback;
  private final List<String> alpn;
  private final Provider provider;
  private volatile ReportingTrustManager trustManager;

  private TlsPolicy(Builder b) {
    this.protocols = List.copyOf(b.protocols);
    this.cipherSuites = List.copyOf(b.cipherSuites);
    this.namedGroups = List.copyOf(b.namedGroups);
    this.signatureSchemes = List.copyOf(b.signatureSchemes);
    this.legacy = b.legacy;
    this.trust = b.trust;
    this.pins = Set.copyOf(new LinkedHashSet<>(b.pins));
    this.revocation = b.revocation;
    this.crls = List.copyOf(b.crls);
    this.clientCertificate = b.clientCertificate;
    this.clientCertificateSelector = b.clientCertificateSelector;
    this.validationCallback = b.validationCallback;
    this.dangerousAcceptor = b.dangerousAcceptor;
    this.dangerousSkipHostname = b.dangerousSkipHostname;
    this.commonNameFallback = b.commonNameFallback;
    this.alpn = List.copyOf(b.alpn);
    this.provider = b.provider;
  }

  private static TlsPolicy legacy() {
    Builder b = new Builder();
    b.legacy = true;
    b.commonNameFallback = true;
    List<String> suites = new ArrayList<>(TLS13_SUITES);
    suites.addAll(TLS12_FS_AEAD_SUITES);
    suites.addAll(TLS12_LEGACY_SUITES);
    List<String> groups = new ArrayList<>(MODERN_GROUPS);
    groups.addAll(List.of("secp521r1", "ffdhe2048", "ffdhe3072", "ffdhe4096"));
    return b.cipherSuites(suites).namedGroups(groups).build();
  }

  /** Returns a builder starting from {@link #MODERN}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this policy's settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Returns the enabled protocol versions, in JSSE names ("TLSv1.3"). */
  public List<String> protocols() {
    return protocols;
  }

  /** Returns the enabled cipher suites, in preference order. */
  public List<String> cipherSuites() {
    return cipherSuites;
  }

  /** Returns the key-exchange groups offered, in preference order. */
  public List<String> namedGroups() {
    return namedGroups;
  }

  /** Returns the signature schemes offered. */
  public List<String> signatureSchemes() {
    return signatureSchemes;
  }

  /** Returns the trust anchors. */
  public Trust trust() {
    return trust;
  }

  /** Returns the SPKI pins ({@code sha256/BASE64}); empty when pinning is off. */
  public Set<String> pins() {
    return pins;
  }

  /** Returns the revocation checking mode. */
  public Revocation revocation() {
    return revocation;
  }

  /** Returns the CRLs consulted when checking revocation. */
  public List<X509CRL> crls() {
    return crls;
  }

  /** Returns the fixed client certificate, or null. */
  public CertifiedKey clientCertificate() {
    return clientCertificate;
  }

  /** Returns the client certificate selector, or null. */
  public ClientCertificateSelector clientCertificateSelector() {
    return clientCertificateSelector;
  }

  /** Returns the validation callback, or null. */
  public ValidationCallback validationCallback() {
    return validationCallback;
  }

  /** Returns the dangerous acceptor that may accept failed reports, or null (the normal case). */
  public ValidationCallback dangerousAcceptor() {
    return dangerousAcceptor;
  }

  /** Returns true when hostname verification was dangerously switched off. */
  public boolean dangerousSkipHostnameVerification() {
    return dangerousSkipHostname;
  }

  /**
   * Returns true when a server certificate without any subjectAltName may be accepted on its subject CN (the
   * fallback RFC 9525 removed): set by {@link Builder.Dangerous#allowCommonNameFallback()} and in
   * {@link #LEGACY_COMPATIBLE}. Every use is reported as a {@link CertificateProblem.MissingSubjectAltName} warning.
   */
  public boolean allowsCommonNameFallback() {
    return commonNameFallback;
  }

  /** Returns the ALPN protocols offered, in preference order; empty when ALPN is not used. */
  public List<String> alpn() {
    return alpn;
  }

  /** Returns the JSSE provider, or null for the JDK default. */
  public Provider provider() {
    return provider;
  }

  /** Returns true for {@link #LEGACY_COMPATIBLE} and builders derived from it. */
  public boolean isLegacy() {
    return legacy;
  }

  /**
   * Returns the trust manager that applies this policy: it builds a {@link ValidationReport} for every chain it
   * judges (servers by the name the connection was opened for, clients without a name and with the clientAuth
   * usage). One instance per policy.
   */
  public X509ExtendedTrustManager trustManager() {
    ReportingTrustManager tm = trustManager;
    if (tm == null) {
      synchronized (this) {
        tm = trustManager;
        if (tm == null) trustManager = tm = new ReportingTrustManager(this);
      }
    }
    return tm;
  }

  /** Returns SSL parameters carrying this policy's protocols, suites, groups, signature schemes and ALPN. */
  public SSLParameters sslParameters() {
    SSLParameters p = new SSLParameters();
    applyTo(p);
    return p;
  }

  /** Sets this policy's protocols, suites, groups, signature schemes and ALPN on {@code params}. */
  public void applyTo(SSLParameters params) {
    params.setProtocols(protocols.toArray(String[]::new));
    params.setCipherSuites(cipherSuites.toArray(String[]::new));
    params.setUseCipherSuitesOrder(true);
    try {
      params.setNamedGroups(namedGroups.toArray(String[]::new));
      params.setSignatureSchemes(signatureSchemes.toArray(String[]::new));
    } catch (UnsupportedOperationException ignored) {
      // a provider without these JDK 20 setters uses its own (secure) defaults
    }
    if (!alpn.isEmpty()) params.setApplicationProtocols(alpn.toArray(String[]::new));
  }

  /**
   * Returns a new client {@link SSLContext} with this policy's trust manager and client certificate, from the
   * policy's provider. Use it with {@link #sslParameters()} for {@code java.net.http.HttpClient}, Jakarta Mail,
   * Commons Net or Netty so that they follow the same rules.
   */
  public SSLContext sslContext() {
    return sslContext(new PolicyKeyManager(clientCertificate, clientCertificateSelector));
  }

  /** Returns a new client context with this policy's trust manager and the given key manager. */
  SSLContext sslContext(KeyManager keyManager) {
    try {
      SSLContext ctx = provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
      ctx.init(new KeyManager[] {keyManager}, new javax.net.ssl.TrustManager[] {trustManager()}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context"
          + (provider == null ? "" : " with provider " + provider.getName()) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns a socket factory whose sockets carry this policy's parameters; hostname verification uses the host
   * passed to {@code createSocket}.
   */
  public SSLSocketFactory socketFactory() {
    return new PolicySocketFactory(sslContext().getSocketFactory(), this);
  }

  @Override
  public String toString() {
    return "TlsPolicy[protocols=" + protocols + ", suites=" + cipherSuites.size() + ", groups=" + namedGroups
        + ", trust=" + trust + ", pins=" + pins.size() + ", revocation=" + revocation + ", alpn=" + alpn
        + (commonNameFallback ? ", commonNameFallback" : "")
        + (dangerousAcceptor != null || dangerousSkipHostname ? ", DANGEROUS" : "") + "]";
  }

  /** Returns {@code protocols} as a list after checking each is an ALPN protocol name (1 to 255 characters). */
  static List<String> checkAlpn(String... protocols) {
    for (String p : protocols) {
      if (p.isEmpty() || p.length() > 255) throw new IllegalArgumentException("invalid ALPN protocol: '" + p + "'");
    }
    return List.of(protocols);
  }

  /** Builds a {@link TlsPolicy}; starts from {@link #MODERN}. */
  public static final class Builder {
    private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
    private List<String> cipherSuites = concat(TLS13_SUITES, TLS12_FS_AEAD_SUITES);
    private List<String> namedGroups = MODERN_GROUPS;
    private List<String> signatureSchemes = MODERN_SIGNATURE_SCHEMES;
    private boolean legacy;
    private Trust trust = Trust.system();
    private final List<String> pins = new ArrayList<>();
    private Revocation revocation = Revocation.OFF;
    private List<X509CRL> crls = List.of();
    private CertifiedKey clientCertificate;
    private ClientCertificateSelector clientCertificateSelector;
    private ValidationCallback validationCallback;
    private ValidationCallback dangerousAcceptor;
    private boolean dangerousSkipHostname;
    private boolean commonNameFallback;
    private List<String> alpn = List.of();
    private Provider provider;

    private Builder() {}

    private Builder(TlsPolicy p) {
      protocols = p.protocols;
      cipherSuites = p.cipherSuites;
      namedGroups = p.namedGroups;
      signatureSchemes = p.signatureSchemes;
      legacy = p.legacy;
      trust = p.trust;
      pins.addAll(p.pins);
      revocation = p.revocation;
      crls = p.crls;
      clientCertificate = p.clientCertificate;
      clientCertificateSelector = p.clientCertificateSelector;
      validationCallback = p.validationCallback;
      dangerousAcceptor = p.dangerousAcceptor;
      dangerousSkipHostname = p.dangerousSkipHostname;
      commonNameFallback = p.commonNameFallback;
      alpn = p.alpn;
      provider = p.provider;
    }

    /** Sets the protocol versions ("TLSv1.3", "TLSv1.2"; nothing older exists here). Default both. */
    public Builder protocols(String... versions) {
      List<String> v = List.of(versions);
      for (String s : v) {
        if (!s.equals("TLSv1.3") && !s.equals("TLSv1.2")) {
          throw new IllegalArgumentException("protocol must be TLSv1.3 or TLSv1.2: " + s);
        }
      }
      this.protocols = v;
      return this;
    }

    /**
     * Sets the lowest protocol version: "1.2"/"TLSv1.2" keeps both, "1.3"/"TLSv1.3" allows TLS 1.3 only. Default
     * TLS 1.2.
     */
    public Builder minimumProtocol(String version) {
      String v = version.startsWith("TLSv") ? version : "TLSv" + version;
      return switch (v) {
        case "TLSv1.2" -> protocols("TLSv1.3", "TLSv1.2");
        case "TLSv1.3" -> protocols("TLSv1.3");
        default -> throw new IllegalArgumentException("minimum protocol must be 1.2 or 1.3: " + version);
      };
    }

    /** Sets the cipher suites in preference order. Default: see {@link TlsPolicy}. */
    public Builder cipherSuites(List<String> suites) {
      for (String s : suites) checkSuite(s);
      this.cipherSuites = List.copyOf(suites);
      return this;
    }

    /** Sets the key-exchange groups in preference order. Default x25519, secp256r1, x448, secp384r1. */
    public Builder namedGroups(List<String> groups) {
      this.namedGroups = List.copyOf(groups);
      return this;
    }

    /** Sets the signature schemes offered. Default: see {@link TlsPolicy}. */
    public Builder signatureSchemes(List<String> schemes) {
      for (String s : schemes) {
        if (s.toLowerCase(Locale.ROOT).contains("sha1") || s.toLowerCase(Locale.ROOT).contains("md5")) {
          throw new IllegalArgumentException("signature scheme with SHA-1/MD5 is not allowed: " + s);
        }
      }
      this.signatureSchemes = List.copyOf(schemes);
      return this;
    }

    /** Sets whom to trust. Default {@link Trust#system()}. */
    public Builder trust(Trust trust) {
      this.trust = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /**
     * Adds an SPKI pin, {@code sha256/BASE64} of a public key (RFC 7469). With pins set, at least one certificate of
     * the built chain must match one of them. Default none.
     */
    public Builder pin(String pin) {
      Objects.requireNonNull(pin, "pin");
      if (!pin.startsWith("sha256/")) throw new IllegalArgumentException("pins must start with 'sha256/': " + pin);
      byte[] hash;
      try {
        hash = java.util.Base64.getDecoder().decode(pin.substring("sha256/".length()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("pin is not valid base64: " + pin, e);
      }
      if (hash.length != 32) throw new IllegalArgumentException("pin must hold a 32-byte SHA-256 hash: " + pin);
      pins.add(pin);
      return this;
    }

    /** Sets revocation checking. Default {@link Revocation#OFF}. */
    public Builder revocation(Revocation mode) {
      this.revocation = Objects.requireNonNull(mode, "revocation");
      return this;
    }

    /** Sets CRLs to consult when revocation checking is on. Default none. */
    public Builder crls(Collection<X509CRL> crls) {
      this.crls = List.copyOf(crls);
      return this;
    }

    /** Presents this certificate when a server asks for one. Default none. */
    public Builder clientCertificate(CertifiedKey key) {
      this.clientCertificate = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Chooses the client certificate when a server asks, seeing its acceptable issuers. Default none. */
    public Builder clientCertificateSelector(ClientCertificateSelector selector) {
      this.clientCertificateSelector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /**
     * Sets a callback that sees every validation report and may reject a peer that passed the built-in checks.
     * It cannot accept a failed report; see {@link #dangerous()}. Default none.
     */
    public Builder validationCallback(ValidationCallback callback) {
      this.validationCallback = Objects.requireNonNull(callback, "callback");
      return this;
    }

    /** Sets the ALPN protocols to offer, in preference order ("h2", "http/1.1"). Default none. */
    public Builder alpn(String... protocols) {
      this.alpn = checkAlpn(protocols);
      return this;
    }

    /**
     * Uses this JSSE provider (for example BouncyCastle's {@code BCJSSE}) to create TLS contexts. Default: the JDK's
     * default provider.
     */
    public Builder provider(Provider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Returns the settings that weaken verification.
     *
     * <p><b>Everything here breaks the authentication TLS exists for: anyone on the network path can read and change
     * the traffic. Never in production.</b> Use it against test servers whose certificates you cannot fix.
     */
    public Dangerous dangerous() {
      return new Dangerous();
    }

    /**
     * Settings that make TLS unauthenticated. <b>Never in production.</b> Every peer accepted this way is logged at
     * WARNING with the problems that were overridden.
     */
    public final class Dangerous {
      private Dangerous() {}

      /**
       * Accepts a peer whose report has problems when {@code acceptor} returns true.
       *
       * <p><b>Dangerous: a peer accepted with problems is not authenticated. Never in production.</b>
       */
      public Builder acceptIf(ValidationCallback acceptor) {
        dangerousAcceptor = Objects.requireNonNull(acceptor, "acceptor");
        return Builder.this;
      }

      /**
       * Accepts every certificate, whoever issued it and whatever it names.
       *
       * <p><b>Dangerous: this turns TLS into unauthenticated encryption; any machine in the path can impersonate the
       * server. Never in production.</b>
       */
      public Builder acceptAnyCertificate() {
        return acceptIf(report -> true);
      }

      /**
       * Skips the check that the certificate names the peer; a name mismatch becomes a warning.
       *
       * <p><b>Dangerous: any certificate from a trusted issuer, for any site, is then accepted. Never in
       * production.</b>
       */
      public Builder skipHostnameVerification() {
        dangerousSkipHostname = true;
        return Builder.this;
      }

      /**
       * Accepts a server certificate that has no subjectAltName at all when its subject CN names the host, as
       * clients did before RFC 9525. Each such acceptance is reported: the {@link ValidationReport} (and so
       * {@link SecurityInfo#validation()}) carries a {@link CertificateProblem.MissingSubjectAltName} warning with
       * {@code fallbackUsed} true, and it is logged at WARNING. {@link TlsPolicy#LEGACY_COMPATIBLE} has it on.
       *
       * <p><b>Dangerous: browsers and RFC 9525 refuse such certificates; the subject CN was never meant to name a
       * host, and CA checks on it are weaker than on subjectAltName. Never in production; fix the certificate.</b>
       */
      public Builder allowCommonNameFallback() {
        commonNameFallback = true;
        return Builder.this;
      }
    }

    /**
     * Returns the policy.
     *
     * @throws IllegalArgumentException when settings contradict each other (the message names both)
     */
    public TlsPolicy build() {
      if (protocols.isEmpty()) throw new IllegalArgumentException("protocols must not be empty");
      if (cipherSuites.isEmpty()) throw new IllegalArgumentException("cipherSuites must not be empty");
      if (namedGroups.isEmpty()) throw new IllegalArgumentException("namedGroups must not be empty");
      boolean has13 = cipherSuites.stream().anyMatch(Builder::isTls13Suite);
      boolean has12 = cipherSuites.stream().anyMatch(s -> !isTls13Suite(s));
      if (protocols.contains("TLSv1.3") && !protocols.contains("TLSv1.2") && !has13) {
        throw new IllegalArgumentException("protocols " + protocols + " contradict cipherSuites " + cipherSuites
            + ": no TLS 1.3 suite");
      }
      if (protocols.equals(List.of("TLSv1.2")) && !has12) {
        throw new IllegalArgumentException("protocols " + protocols + " contradict cipherSuites " + cipherSuites
            + ": no TLS 1.2 suite");
      }
      if (!legacy) {
        for (String s : cipherSuites) {
          if (!isTls13Suite(s) && !s.startsWith("TLS_ECDHE_")) {
            throw new IllegalArgumentException("cipher suite " + s + " lacks forward secrecy; it is only allowed in"
                + " a policy built from TlsPolicy.LEGACY_COMPATIBLE");
          }
        }
      }
      if (clientCertificate != null && clientCertificateSelector != null) {
        throw new IllegalArgumentException(
            "clientCertificate and clientCertificateSelector contradict: set one of them");
      }
      if (dangerousAcceptor != null && !pins.isEmpty()) {
        throw new IllegalArgumentException(
            "pins " + pins + " contradict dangerous().acceptIf/acceptAnyCertificate, which would override them");
      }
      if (dangerousAcceptor != null && revocation == Revocation.HARD_FAIL) {
        throw new IllegalArgumentException(
            "revocation HARD_FAIL contradicts dangerous().acceptIf/acceptAnyCertificate, which would override it");
      }
      if (!crls.isEmpty() && revocation == Revocation.OFF) {
        throw new IllegalArgumentException("crls were given but revocation is OFF: set revocation(SOFT_FAIL or"
            + " HARD_FAIL) or drop the CRLs");
      }
      return new TlsPolicy(this);
    }

    private static boolean isTls13Suite(String s) {
      return s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_");
    }

    private static void checkSuite(String s) {
      String u = s.toUpperCase(Locale.ROOT);
      for (String bad : List.of("_NULL", "_ANON_", "EXPORT", "_RC4_", "_DES", "3DES", "_CBC", "_MD5", "SSL_")) {
        if (u.contains(bad) || u.startsWith(bad)) {
          throw new IllegalArgumentException("cipher suite is never allowed (" + bad.replace("_", "") + "): " + s);
        }
      }
      boolean aead = isTls13Suite(s) || u.contains("_GCM_") || u.contains("_CHACHA20_POLY1305_")
          || u.contains("_CCM");
      if (!aead) throw new IllegalArgumentException("cipher suite is not AEAD: " + s);
      if (u.startsWith("TLS_ECDH_") || u.startsWith("TLS_DH_") || u.startsWith("TLS_PSK_")) {
        throw new IllegalArgumentException("cipher suite with static key exchange is not allowed: " + s);
      }
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> r = new ArrayList<>(a);
      r.addAll(b);
      return List.copyOf(r);
    }
  }
}
