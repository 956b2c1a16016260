package dev.tlskit.internal.server;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Judges client certificates with a delegate trust manager and remembers, per socket, the chain and the error of a
 * rejection, so the server can report why a handshake failed. Server certificates are never judged here.
 */
public final class ClientTrust extends X509ExtendedTrustManager {
  /** A client chain that the delegate refused. */
  public record Rejection(List<X509Certificate> chain, CertificateException error) {}

  private final X509TrustManager delegate;
  private final Map<Socket, Rejection> rejections = new ConcurrentHashMap<>();

  public ClientTrust(X509TrustManager delegate) {
    this.delegate = delegate;
  }

  /** Returns and forgets the rejection recorded for {@code socket}, or null. */
  public Rejection take(Socket socket) {
    return rejections.remove(socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      if (delegate instanceof X509ExtendedTrustManager ext) ext.checkClientTrusted(chain, authType, socket);
      else delegate.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      if (socket != null) rejections.put(socket, new Rejection(List.of(chain), e));
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (delegate instanceof X509ExtendedTrustManager ext) ext.checkClientTrusted(chain, authType, engine);
    else delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a server does not judge server certificates");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a server does not judge server certificates");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a server does not judge server certificates");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
