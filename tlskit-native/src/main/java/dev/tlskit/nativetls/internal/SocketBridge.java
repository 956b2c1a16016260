package dev.tlskit.nativetls.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Hands BoringSSL's callbacks, which name the engine, to the caller's key and trust managers with the
 * {@link NativeSocket} that drives the engine instead: TlsKit's managers keep their per-socket records (the
 * validation report, whether a client certificate was asked for) under the socket that core later asks about.
 */
final class SocketBridge {
  private SocketBridge() {}

  /** The key manager side. */
  static final class Keys extends X509ExtendedKeyManager {
    private final X509KeyManager delegate;
    private final Map<SSLEngine, NativeSocket> sockets;

    Keys(X509KeyManager delegate, Map<SSLEngine, NativeSocket> sockets) {
      this.delegate = delegate;
      this.sockets = sockets;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      NativeSocket s = engine == null ? null : sockets.get(engine);
      if (s != null) return delegate.chooseClientAlias(keyType, issuers, s);
      return delegate instanceof X509ExtendedKeyManager x ? x.chooseEngineClientAlias(keyType, issuers, engine)
          : delegate.chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      NativeSocket s = engine == null ? null : sockets.get(engine);
      if (s != null) return delegate.chooseServerAlias(keyType, issuers, s);
      return delegate instanceof X509ExtendedKeyManager x ? x.chooseEngineServerAlias(keyType, issuers, engine)
          : delegate.chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }

  /** The trust manager side. */
  static final class Trust extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    private final Map<SSLEngine, NativeSocket> sockets;

    Trust(X509TrustManager delegate, Map<SSLEngine, NativeSocket> sockets) {
      this.delegate = delegate;
      this.sockets = sockets;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      NativeSocket s = engine == null ? null : sockets.get(engine);
      if (delegate instanceof X509ExtendedTrustManager x) {
        if (s != null) x.checkClientTrusted(chain, authType, s);
        else x.checkClientTrusted(chain, authType, engine);
      } else {
        delegate.checkClientTrusted(chain, authType);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      NativeSocket s = engine == null ? null : sockets.get(engine);
      if (delegate instanceof X509ExtendedTrustManager x) {
        if (s != null) x.checkServerTrusted(chain, authType, s);
        else x.checkServerTrusted(chain, authType, engine);
      } else {
        delegate.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      if (delegate instanceof X509ExtendedTrustManager x) x.checkClientTrusted(chain, authType, socket);
      else delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      if (delegate instanceof X509ExtendedTrustManager x) x.checkServerTrusted(chain, authType, socket);
      else delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
