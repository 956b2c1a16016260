package dev.tlskit.internal.server;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the server credential per handshake from the name the client asked for (SNI), reading the credentials
 * current at that moment so that a reload takes effect for the next handshake.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {
  private final Supplier<CertificateSnapshot> current;
  private final Function<String, CertificateSnapshot> byAlias;

  public SniKeyManager(Supplier<CertificateSnapshot> current, Function<String, CertificateSnapshot> byAlias) {
    this.current = current;
    this.byAlias = byAlias;
  }

  /** Returns the host name the client asked for in a handshake session, or null. */
  public static String requestedName(SSLSession handshake) {
    if (handshake instanceof ExtendedSSLSession ext) {
      for (SNIServerName n : ext.getRequestedServerNames()) {
        if (n instanceof SNIHostName h) return h.getAsciiName();
      }
    }
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    String sni = socket instanceof SSLSocket ssl ? requestedName(ssl.getHandshakeSession()) : null;
    return current.get().choose(keyType, sni);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return current.get().choose(keyType, engine == null ? null : requestedName(engine.getHandshakeSession()));
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    CertificateSnapshot.Entry e = entry(alias);
    return e == null ? null : e.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    CertificateSnapshot.Entry e = entry(alias);
    return e == null ? null : e.key();
  }

  private CertificateSnapshot.Entry entry(String alias) {
    CertificateSnapshot s = alias == null ? null : byAlias.apply(alias);
    return s == null ? null : s.find(alias);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return current.get().entries().stream().filter(e -> e.fits(keyType))
        .map(CertificateSnapshot.Entry::alias).toArray(String[]::new);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
