package dev.tlskit;

import dev.tlskit.internal.tls.Algorithms;
import dev.tlskit.internal.tls.PolicySocketFactory;
import dev.tlskit.internal.tls.PolicyChecks;
import dev.tlskit.internal.tls.PolicyKeyManager;
import dev.tlskit.internal.tls.ProviderHook;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.security.Provider;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
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
 *       ChaCha20-Poly1305 (forward secret AEAD). NULL, anonymous, export, RC4 and DES never appear in any policy, even
 *       when asked for; CBC only in {@link #LEGACY_COMPATIBLE}; TLS 1.0/1.1, RSA key exchange and 3DES only
 *       through {@link Builder#dangerous()}.</li>
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
 * <p>Presets: {@link #MODERN}, {@link #STRICT} (TLS 1.3 only) and {@link #LEGACY_COMPATIBLE} (adds forward-secret
 * TLS 1.2 suites with DHE or AES-CBC, more groups, and the subject-CN fallback, for old servers; it has to be asked
 * for by name). What a connection negotiated below {@link #MODERN} is listed in {@link SecurityInfo#weakenings()}.
 *
 * <p>Contradictory settings fail in {@link Builder#build()} with a message naming both.
 */
public final class TlsPolicy {
  /** TLS 1.3 and 1.2, forward-secret AEAD suites only, RFC 9325 groups. The default. */
  public static final TlsPolicy MODERN = new Builder().build();

  /** TLS 1.3 only. */
  public static final TlsPolicy STRICT = new Builder()
      .protocols("TLSv1.3").cipherSuites(Algorithms.TLS13_SUITES).build();

  /**
   * TLS 1.3 and 1.2 for servers that cannot do better: adds forward-secret suites with finite-field DHE and with
   * AES-CBC (ECDHE or DHE; HMAC-SHA-2, then HMAC-SHA-1), and the secp521r1/ffdhe groups. Still every suite is forward
   * secret: no RSA key exchange, 3DES, RC4, NULL, export or anonymous suites, and no protocol below TLS 1.2 (those
   * are {@link Builder#dangerous()} doors, never a preset). A server certificate without any subjectAltName is
   * accepted on its subject CN (the fallback RFC 9525 removed), and reported as a
   * {@link CertificateProblem.MissingSubjectAltName} warning. A CBC suite, when negotiated, is reported in
   * {@link SecurityInfo#weakenings()}.
   */
  public static final TlsPolicy LEGACY_COMPATIBLE = legacy();

  private final List<String> protocols;
  private final List<String> cipherSuites;
  private final List<String> namedGroups;
  private final List<String> signatureSchemes;
  private final boolean legacy;
  private final Set<Weakening.Door> doors;
  private final Trust trust;
  private final Set<String> pins;
  private final Revocation revocation;
  private final List<X509CRL> crls;
  private final CertifiedKey clientCertificate;
  private final ClientCertificateSelector clientCertificateSelector;
  private final List<CertifiedKey> clientCertificates;
  private final ValidationCallback validationCallback;
  private final ValidationCallback dangerousAcceptor;
  private final boolean dangerousSkipHostname;
  private final boolean commonNameFallback;
  private final List<String> alpn;
  private final Provider provider;
  private ReportingTrustManager trustManager; // made on first use

  private TlsPolicy(Builder b) {
    this.protocols = List.copyOf(b.protocols);
    this.cipherSuites = List.copyOf(b.cipherSuites);
    this.namedGroups = List.copyOf(b.namedGroups);
    this.signatureSchemes = List.copyOf(b.signatureSchemes);
    this.legacy = b.legacy;
    this.doors = Set.copyOf(b.doors);
    this.trust = b.trust;
    this.pins = Set.copyOf(new LinkedHashSet<>(b.pins));
    this.revocation = b.revocation;
    this.crls = List.copyOf(b.crls);
    this.clientCertificate = b.clientCertificate;
    this.clientCertificateSelector = b.clientCertificateSelector;
    this.clientCertificates = b.clientCertificates;
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
    return b.cipherSuites(Algorithms.legacySuites()).namedGroups(Algorithms.legacyGroups()).build();
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

  /** Returns the collection of client certificates to choose from (empty when none). */
  public List<CertifiedKey> clientCertificates() {
    return clientCertificates;
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

  /** Returns the {@link Builder#dangerous()} doors this policy opened (empty normally). */
  public Set<Weakening.Door> dangerousDoors() {
    return doors;
  }

  /**
   * Returns the trust manager that applies this policy: it builds a {@link ValidationReport} for every chain it
   * judges (servers by the name the connection was opened for, clients without a name and with the clientAuth
   * usage). One instance per policy.
   */
  public synchronized X509ExtendedTrustManager trustManager() {
    if (trustManager == null) trustManager = new ReportingTrustManager(this);
    return trustManager;
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
   *
   * @throws IllegalStateException when the provider enforces a rule only in TlsKit's own connections (a policy from
   *     {@code dev.tlskit.bc.PostQuantum.require}: another library would accept a classical key exchange)
   */
  public SSLContext sslContext() {
    ProviderHook.requireUsableOutsideTlsKit(this);
    return sslContext(PolicyKeyManager.of(this));
  }

  /** Returns a new client context with this policy's trust manager and the given key manager. */
  SSLContext sslContext(KeyManager keyManager) {
    PolicyChecks.requireEnabledInJvm(doors, protocols, cipherSuites);
    return PolicyChecks.newContext(provider, keyManager, trustManager());
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
        + (dangerousAcceptor != null || dangerousSkipHostname || !doors.isEmpty() ? ", DANGEROUS" : "")
        + (doors.isEmpty() ? "" : " " + doors) + "]";
  }

  /** Builds a {@link TlsPolicy}; starts from {@link #MODERN}. */
  public static final class Builder {
    private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
    private List<String> cipherSuites = Algorithms.union(Algorithms.TLS13_SUITES, Algorithms.TLS12_FS_AEAD_SUITES);
    private List<String> namedGroups = Algorithms.MODERN_GROUPS;
    private List<String> signatureSchemes = Algorithms.MODERN_SIGNATURE_SCHEMES;
    private boolean legacy;
    private final Set<Weakening.Door> doors = java.util.EnumSet.noneOf(Weakening.Door.class);
    private Trust trust = Trust.system();
    private final List<String> pins = new ArrayList<>();
    private Revocation revocation = Revocation.OFF;
    private List<X509CRL> crls = List.of();
    private CertifiedKey clientCertificate;
    private ClientCertificateSelector clientCertificateSelector;
    private List<CertifiedKey> clientCertificates = List.of();
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
      doors.addAll(p.doors);
      trust = p.trust;
      pins.addAll(p.pins);
      revocation = p.revocation;
      crls = p.crls;
      clientCertificate = p.clientCertificate;
      clientCertificateSelector = p.clientCertificateSelector;
      clientCertificates = p.clientCertificates;
      validationCallback = p.validationCallback;
      dangerousAcceptor = p.dangerousAcceptor;
      dangerousSkipHostname = p.dangerousSkipHostname;
      commonNameFallback = p.commonNameFallback;
      alpn = p.alpn;
      provider = p.provider;
    }

    /**
     * Sets the protocol versions ("TLSv1.3", "TLSv1.2"; "TLSv1.1" and "TLSv1" only with
     * {@link Dangerous#allowTls10And11()}, checked in {@link #build()}). Default TLSv1.3 and TLSv1.2.
     */
    public Builder protocols(String... versions) {
      List<String> v = List.of(versions);
      for (String s : v) {
        if (!s.equals("TLSv1.3") && !s.equals("TLSv1.2") && !Algorithms.OLD_PROTOCOLS.contains(s)) {
          throw new IllegalArgumentException("protocol must be TLSv1.3 or TLSv1.2: " + s);
        }
      }
      this.protocols = v;
      return this;
    }

    /**
     * Sets the lowest protocol version: "1.2"/"TLSv1.2" keeps both, "1.3"/"TLSv1.3" allows TLS 1.3 only; "1.1" and
     * "1.0" need {@link Dangerous#allowTls10And11()} (checked in {@link #build()}). Default TLS 1.2.
     */
    public Builder minimumProtocol(String version) {
      String v = version.startsWith("TLSv") ? version : "TLSv" + version;
      return switch (v) {
        case "TLSv1.2" -> protocols("TLSv1.3", "TLSv1.2");
        case "TLSv1.3" -> protocols("TLSv1.3");
        case "TLSv1.1" -> protocols("TLSv1.3", "TLSv1.2", "TLSv1.1");
        case "TLSv1.0", "TLSv1" -> protocols("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
        default -> throw new IllegalArgumentException("minimum protocol must be 1.0, 1.1, 1.2 or 1.3: " + version);
      };
    }

    /** Sets the cipher suites in preference order. Default: see {@link TlsPolicy}. */
    public Builder cipherSuites(List<String> suites) {
      for (String s : suites) PolicyChecks.checkSuite(s);
      this.cipherSuites = List.copyOf(suites);
      return this;
    }

    /**
     * Sets the key-exchange groups in preference order. Default x25519, secp256r1, x448, secp384r1. A group the
     * {@link #provider provider} cannot offer (with the JDK's: the post-quantum hybrids such as X25519MLKEM768, see
     * {@code dev.tlskit.bc.PostQuantum}) fails in {@link #build()} with a message naming it.
     */
    public Builder namedGroups(List<String> groups) {
      this.namedGroups = List.copyOf(groups);
      return this;
    }

    /** Sets the signature schemes offered. Default: see {@link TlsPolicy}. */
    public Builder signatureSchemes(List<String> schemes) {
      for (String s : schemes) PolicyChecks.checkSignatureScheme(s);
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
      pins.add(PolicyChecks.checkPin(Objects.requireNonNull(pin, "pin")));
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

    /**
     * Chooses the client certificate when a server asks, seeing its acceptable issuers, its chain and the
     * {@link #clientCertificates candidates}. Default none.
     */
    public Builder clientCertificateSelector(ClientCertificateSelector selector) {
      this.clientCertificateSelector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /**
     * Sets a collection of client certificates (for example every key of a PKCS#11 token,
     * {@link CertifiedKey#allFromPkcs11}) to choose from when a server asks: the
     * {@link #clientCertificateSelector selector} chooses, seeing them as
     * {@link ClientCertificateSelector.Request#candidates()}; without one,
     * {@link ClientCertificateSelector#firstValidMatchingIssuers()} does. Contradicts
     * {@link #clientCertificate}. Default none.
     */
    public Builder clientCertificates(Collection<CertifiedKey> candidates) {
      this.clientCertificates = List.copyOf(candidates);
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
      this.alpn = PolicyChecks.checkAlpn(protocols);
      return this;
    }

    /**
     * Uses this JSSE provider (for example BouncyCastle's {@code BCJSSE}) to create TLS contexts. Default: the JDK's
     * default provider. Refused (IllegalArgumentException) in place of one that enforces a rule of its own.
     */
    public Builder provider(Provider provider) {
      this.provider = ProviderHook.replace(this.provider, Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * Returns the settings that weaken verification or the connection's cryptography.
     *
     * <p><b>Everything here breaks what TLS exists for: anyone on the network path may read or change the traffic.
     * Never in production.</b> Use it against servers you cannot fix.
     */
    public Dangerous dangerous() {
      return new Dangerous();
    }

    /**
     * Settings that make TLS unauthenticated or weakly encrypted. <b>Never in production.</b> Every peer accepted
     * this way, and every connection that used a door, is logged at WARNING on {@code dev.tlskit.dangerous}.
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

      /**
       * Adds TLS 1.1 and TLS 1.0 below the policy's TLS 1.2 (narrow with {@link #minimumProtocol}), with the
       * forward-secret AES-CBC suites those versions need. A connection that lands on them reports a
       * {@link Weakening.OldProtocol} and is logged at WARNING on {@code dev.tlskit.dangerous}.
       *
       * <p><b>Dangerous: TLS 1.0/1.1 (RFC 8996) authenticate the handshake with MD5/SHA-1, have only CBC with
       * implicit or predictable IVs (BEAST, Lucky13, POODLE-style padding oracles) and no downgrade protection worth
       * the name. Only for a server that cannot be upgraded, never in production.</b> The JDK disables them for the
       * whole JVM in {@code jdk.tls.disabledAlgorithms}; the connection fails with a message saying so unless that
       * property was changed before the JVM's first TLS connection (see docs/security.md).
       */
      public Builder allowTls10And11() {
        doors.add(Weakening.Door.TLS_10_AND_11);
        if (protocols.contains("TLSv1.2")) protocols = Algorithms.union(protocols, Algorithms.OLD_PROTOCOLS);
        cipherSuites = Algorithms.union(cipherSuites, Algorithms.FS_CBC_SUITES);
        return Builder.this;
      }

      /**
       * Adds RSA key exchange suites (AES-GCM; AES-CBC too when the policy allows CBC, so call it after
       * {@link #allowTls10And11()}), after the policy's own. A connection on one reports a
       * {@link Weakening.NoForwardSecrecy} and is logged at WARNING on {@code dev.tlskit.dangerous}.
       *
       * <p><b>Dangerous: without forward secrecy, whoever obtains the server's key later decrypts every recorded
       * session (and RSA decryption invites ROBOT oracles). Never in production.</b> The JDK disables it JVM-wide.
       */
      public Builder allowRsaKeyExchange() {
        doors.add(Weakening.Door.RSA_KEY_EXCHANGE);
        boolean cbc = legacy || doors.contains(Weakening.Door.TLS_10_AND_11);
        cipherSuites = Algorithms.union(cipherSuites, Algorithms.RSA_KEX_AEAD_SUITES,
            cbc ? Algorithms.RSA_KEX_CBC_SUITES : List.of());
        return Builder.this;
      }

      /**
       * Adds Triple-DES suites (ECDHE, and with RSA key exchange when {@link #allowRsaKeyExchange()} was called
       * before), last in preference. A connection on one reports a {@link Weakening.TripleDes}.
       *
       * <p><b>Dangerous: 3DES has 64-bit blocks; long connections leak plaintext (Sweet32). Never in production.</b>
       * The JDK disables it JVM-wide (see {@link #allowTls10And11()}).
       */
      public Builder allow3des() {
        doors.add(Weakening.Door.TRIPLE_DES);
        cipherSuites = Algorithms.union(cipherSuites, doors.contains(Weakening.Door.RSA_KEY_EXCHANGE)
            ? Algorithms.TRIPLE_DES_SUITES : Algorithms.TRIPLE_DES_SUITES.subList(0, 1));
        return Builder.this;
      }
    }

    /** Returns the policy; {@code IllegalArgumentException} when settings contradict each other, naming both. */
    public TlsPolicy build() {
      PolicyChecks.checkLists(protocols, cipherSuites, namedGroups, provider);
      PolicyChecks.checkDoors(protocols, cipherSuites, legacy, doors);
      PolicyChecks.checkContradictions(clientCertificate != null, clientCertificateSelector != null,
          clientCertificates.size(), dangerousAcceptor != null, pins, revocation, !crls.isEmpty());
      return new TlsPolicy(this);
    }
  }
}
