package dev.tlskit.internal.tls;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ClientCertificateSelector;
import dev.tlskit.TlsPolicy;
import dev.tlskit.internal.trust.Certs;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;

/**
 * Notes whether a server asked for a client certificate, and presents the client certificate of a policy (if any): a
 * fixed {@link CertifiedKey}, or the one a {@link ClientCertificateSelector} picks after seeing the key types and
 * issuers the server accepts, the server's chain and the policy's candidates. Keys may live in a PKCS#11 token: JSSE
 * signs with them through their provider.
 */
public final class PolicyKeyManager extends X509ExtendedKeyManager {
  private final CertifiedKey fixed;
  private final ClientCertificateSelector selector;
  private final List<CertifiedKey> candidates;
  private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
  private final Map<Object, String> requested = // socket or engine -> alias chosen for it, "" for none
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
  private final Map<Object, String> declined = // socket or engine -> why the collection gave nothing
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private PolicyKeyManager(CertifiedKey fixed, ClientCertificateSelector selector, List<CertifiedKey> candidates) {
    this.fixed = fixed;
    this.candidates = List.copyOf(candidates);
    this.selector = selector != null || this.candidates.isEmpty() ? selector
        : ClientCertificateSelector.firstValidMatchingIssuers();
    if (fixed != null) byAlias.put(alias(fixed), fixed);
  }

  /** Returns a key manager presenting the client certificate of {@code policy}. */
  public static PolicyKeyManager of(TlsPolicy policy) {
    return new PolicyKeyManager(policy.clientCertificate(), policy.clientCertificateSelector(),
        policy.clientCertificates());
  }

  private static String alias(CertifiedKey k) {
    return "tlskit:" + Certs.fingerprint(k.leaf());
  }

  /** Returns true when the server asked {@code socketOrEngine} for a client certificate during its handshake. */
  public boolean certificateRequested(Object socketOrEngine) {
    return requested.containsKey(socketOrEngine);
  }

  /**
   * Returns the certificate presented to the server on {@code socketOrEngine}, or empty when none was (not asked
   * for, or nothing fitted).
   */
  public Optional<CertifiedKey> presented(Object socketOrEngine) {
    String alias = requested.get(socketOrEngine);
    return alias == null || alias.isEmpty() ? Optional.empty() : Optional.ofNullable(byAlias.get(alias));
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    SSLSession hs = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
    return noted(socket, choose(keyTypes, issuers, hs == null ? null : hs.getPeerHost(), serverChain(hs)), issuers);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    SSLSession hs = engine == null ? null : engine.getHandshakeSession();
    return noted(engine, choose(keyTypes, issuers, engine == null ? null : engine.getPeerHost(), serverChain(hs)),
        issuers);
  }

  /**
   * Returns the chain the server presented in the handshake under way, or empty when the provider does not expose
   * it yet. The JDK sets it once the chain passed the trust manager, before it asks for the client alias (in TLS 1.3
   * too: the client's Certificate is produced after the server's Finished).
   */
  private static List<X509Certificate> serverChain(SSLSession handshake) {
    if (handshake == null) return List.of();
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (var c : handshake.getPeerCertificates()) {
        if (c instanceof X509Certificate x) chain.add(x);
      }
      return chain;
    } catch (SSLPeerUnverifiedException | UnsupportedOperationException e) {
      return List.of();
    }
  }

  /** Records that {@code key} was asked for a certificate and which alias (the first chosen) answered. */
  private String noted(Object key, String alias, Principal[] issuers) {
    if (key != null) requested.merge(key, alias == null ? "" : alias, (old, now) -> old.isEmpty() ? now : old);
    if (key != null && alias == null && !candidates.isEmpty()) {
      String names = issuers == null || issuers.length == 0 ? "any issuer"
          : "certificates issued by " + java.util.Arrays.stream(issuers).map(Principal::getName).toList();
      declined.put(key, (selector == FirstValidSelector.INSTANCE
          ? "none of the " + candidates.size() + " certificates of the collection is valid, of a key type the server"
              + " accepts and from an issuer it named"
          : "the selector chose none of the " + candidates.size() + " certificates of the collection")
          + " (the server asked for " + names + ")");
    }
    return alias;
  }

  /**
   * Returns why no certificate of the policy's collection was presented on {@code socketOrEngine}, naming the issuers
   * the server asked for; empty when one was presented, or the policy holds no collection.
   */
  public Optional<String> declined(Object socketOrEngine) {
    return Optional.ofNullable(declined.get(socketOrEngine));
  }

  private String choose(String[] keyTypes, Principal[] issuers, String host, List<X509Certificate> serverChain) {
    List<String> types = keyTypes == null ? List.of() : List.of(keyTypes);
    if (fixed != null) return fits(fixed, types) ? alias(fixed) : null;
    if (selector == null) return null;
    List<X500Principal> accepted = new ArrayList<>();
    if (issuers != null) {
      for (Principal p : issuers) {
        if (p instanceof X500Principal x) accepted.add(x);
        else accepted.add(new X500Principal(p.getName()));
      }
    }
    Optional<CertifiedKey> k = selector.select(
        new ClientCertificateSelector.Request(host, types, accepted, serverChain, candidates));
    if (k.isEmpty() || !fits(k.get(), types)) return null;
    String a = alias(k.get());
    byAlias.put(a, k.get());
    return a;
  }

  /** Returns true when the key of {@code k} is of one of {@code keyTypes} (JSSE's names; any when empty). */
  static boolean fits(CertifiedKey k, List<String> keyTypes) {
    if (keyTypes.isEmpty()) return true;
    String alg = k.privateKey().getAlgorithm();
    for (String t : keyTypes) {
      if (keyFits(alg, t)) return true;
    }
    return false;
  }

  /**
   * Returns true when a private key of algorithm {@code alg} can serve the key type a JSSE provider asks a key
   * manager for: the JDK's names ("EC", "RSA", "RSASSA-PSS", "EdDSA") and BouncyCastle's ("Ed25519", "EC" variants).
   * The one rule for the client's key manager and the server's.
   */
  public static boolean keyFits(String alg, String t) {
    if (t.equalsIgnoreCase(alg)) return true;
    if (t.equals("RSASSA-PSS") && alg.equals("RSA")) return true;
    if ((t.equals("Ed25519") || t.equals("Ed448") || t.equals("EdDSA")) && alg.startsWith("Ed")) return true;
    if (t.startsWith("EC") && alg.equals("EC")) return true;
    return t.startsWith("RSA") && alg.equals("RSA");
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    CertifiedKey k = byAlias.get(alias);
    return k == null ? null : k.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    CertifiedKey k = byAlias.get(alias);
    return k == null ? null : k.privateKey();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return byAlias.keySet().toArray(String[]::new);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
