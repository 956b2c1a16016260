package dev.tlskit.internal.tls;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ClientCertificateSelector;
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
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;

/**
 * Notes whether a server asked for a client certificate, and presents the client certificate of a policy (if any): a fixed {@link CertifiedKey}, or the one a {@link
 * ClientCertificateSelector} picks after seeing the key types and issuers the server accepts.
 */
public final class PolicyKeyManager extends X509ExtendedKeyManager {
  private final CertifiedKey fixed;
  private final ClientCertificateSelector selector;
  private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
  private final Map<Object, String> requested = // socket or engine -> alias chosen for it, "" for none
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  public PolicyKeyManager(CertifiedKey fixed, ClientCertificateSelector selector) {
    this.fixed = fixed;
    this.selector = selector;
    if (fixed != null) byAlias.put(alias(fixed), fixed);
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
    String host = socket instanceof SSLSocket s && s.getHandshakeSession() != null
        ? s.getHandshakeSession().getPeerHost() : null;
    return noted(socket, choose(keyTypes, issuers, host));
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return noted(engine, choose(keyTypes, issuers, engine == null ? null : engine.getPeerHost()));
  }

  /** Records that {@code key} was asked for a certificate and which alias (the first chosen) answered. */
  private String noted(Object key, String alias) {
    if (key != null) requested.merge(key, alias == null ? "" : alias, (old, now) -> old.isEmpty() ? now : old);
    return alias;
  }

  private String choose(String[] keyTypes, Principal[] issuers, String host) {
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
    Optional<CertifiedKey> k = selector.select(new ClientCertificateSelector.Request(host, types, accepted));
    if (k.isEmpty() || !fits(k.get(), types)) return null;
    String a = alias(k.get());
    byAlias.put(a, k.get());
    return a;
  }

  private static boolean fits(CertifiedKey k, List<String> keyTypes) {
    if (keyTypes.isEmpty()) return true;
    String alg = k.privateKey().getAlgorithm();
    for (String t : keyTypes) {
      if (t.equals(alg)) return true;
      if (t.equals("RSASSA-PSS") && alg.equals("RSA")) return true;
      if ((t.equals("Ed25519") || t.equals("Ed448") || t.equals("EdDSA")) && alg.startsWith("Ed")) return true;
      if (t.startsWith("EC") && alg.equals("EC")) return true;
      if (t.startsWith("RSA") && alg.equals("RSA")) return true;
    }
    return false;
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
