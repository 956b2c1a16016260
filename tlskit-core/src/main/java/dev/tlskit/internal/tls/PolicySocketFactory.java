package dev.tlskit.internal.tls;

import dev.tlskit.TlsPolicy;
import dev.tlskit.internal.trust.HostnameMatcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** A socket factory whose sockets carry a policy's parameters, for libraries that take an SSLSocketFactory. */
public final class PolicySocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory delegate;
  private final TlsPolicy policy;

  public PolicySocketFactory(SSLSocketFactory delegate, TlsPolicy policy) {
    this.delegate = delegate;
    this.policy = policy;
  }

  private Socket configure(Socket s, String host) {
    if (s instanceof SSLSocket ssl) {
      SSLParameters p = ssl.getSSLParameters();
      policy.applyTo(p);
      if (host != null && !HostnameMatcher.isIpLiteral(host)) {
        try {
          p.setServerNames(List.of(new SNIHostName(host)));
        } catch (IllegalArgumentException ignored) {
          // not a valid SNI name (e.g. an underscore): send none; the certificate is still checked against it
        }
      }
      ssl.setSSLParameters(p);
      ProviderHook.configure(policy, ssl);
    }
    return s;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return policy.cipherSuites().toArray(String[]::new);
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    return configure(delegate.createSocket(s, host, port, autoClose), host);
  }

  @Override
  public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
    return configure(delegate.createSocket(s, consumed, autoClose), null);
  }

  @Override
  public Socket createSocket() throws IOException {
    return configure(delegate.createSocket(), null);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return configure(delegate.createSocket(host, port), host);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return configure(delegate.createSocket(host, port, localHost, localPort), host);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return configure(delegate.createSocket(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return configure(delegate.createSocket(address, port, localAddress, localPort), null);
  }
}
