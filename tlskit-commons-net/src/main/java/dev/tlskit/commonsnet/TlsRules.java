package dev.tlskit.commonsnet;

import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/** The rules every Commons Net client of this package shares: one place for each. */
final class TlsRules {
  private TlsRules() {}

  /**
   * Returns an {@link SSLContext} whose socket factory is the policy's ({@link TlsPolicy#socketFactory()}): Commons
   * Net's mail clients layer TLS through {@code getSocketFactory().createSocket(socket, host, port, true)}, and these
   * sockets then carry the policy's protocols, suites, groups and schemes and its trust manager judges {@code host}.
   */
  static SSLContext context(TlsPolicy policy) {
    SSLContext base = policy.sslContext();
    return new SSLContext(new PolicySpi(base, policy.socketFactory()), base.getProvider(), base.getProtocol()) {};
  }

  /**
   * Refuses to send credentials ({@code what}) unless the connection is TLS: without it they would cross the network
   * in the clear, and whatever the server advertised before TLS (its AUTH mechanisms, the absence of STARTTLS) may
   * have been an attacker's.
   */
  static void requireTls(Socket socket, String what, String peer) throws TlsSecurityException {
    if (!(socket instanceof SSLSocket)) {
      throw new TlsSecurityException(TlsSecurityException.Reason.PLAINTEXT_CREDENTIALS_REFUSED,
          what + " to " + peer + " refused: the connection is not TLS, and credentials never go out in the clear");
    }
  }

  /** Returns the refusal of an upgrade command the server did not answer with success. */
  static TlsSecurityException upgradeRefused(String command, String peer, String reply) {
    return new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_REFUSED, peer + " refused " + command
        + " (TLS is required; nothing else was sent): " + String.valueOf(reply).strip());
  }

  /** Returns the error for a Commons Net setting the policy owns, which a client of this package would ignore. */
  static IllegalArgumentException refused(Class<?> client, String setting, String instead) {
    return new IllegalArgumentException(setting + " is not honoured by " + client.getSimpleName()
        + ", which secures connections with its TlsPolicy; set the policy's " + instead + " instead");
  }

  /** Returns the name a server is verified as: the host name given to connect, else the address. */
  static String peerName(String hostname, InetAddress remote) {
    return hostname != null ? hostname : remote.getHostAddress();
  }

  /** Returns an SMTP address literal for {@code local} ({@code [127.0.0.1]}, {@code [IPv6:::1]}), for EHLO. */
  static String addressLiteral(InetAddress local) {
    return local instanceof Inet6Address ? "[IPv6:" + local.getHostAddress() + "]"
        : "[" + local.getHostAddress() + "]";
  }

  private static final class PolicySpi extends SSLContextSpi {
    private final SSLContext base;
    private final SSLSocketFactory factory;

    PolicySpi(SSLContext base, SSLSocketFactory factory) {
      this.base = base;
      this.factory = factory;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws KeyManagementException {
      throw new KeyManagementException("a TlsPolicy context is initialised by its policy");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return factory;
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw new UnsupportedOperationException("a TlsPolicy client context has no server side");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw new UnsupportedOperationException("Commons Net uses sockets; use TlsPolicy.sslContext() for engines");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw new UnsupportedOperationException("Commons Net uses sockets; use TlsPolicy.sslContext() for engines");
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return base.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return base.getClientSessionContext();
    }
  }
}
