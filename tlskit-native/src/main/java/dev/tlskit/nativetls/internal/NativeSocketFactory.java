package dev.tlskit.nativetls.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/** Makes {@link NativeSocket}s: layered over a given socket (what TlsKit uses), or over a new plain one. */
final class NativeSocketFactory extends SSLSocketFactory {
  private final NativeContextSpi context;

  NativeSocketFactory(NativeContextSpi context) {
    this.context = context;
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    return new NativeSocket(context, s, host, port, autoClose);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(host, port));
    return layered(plain, host, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    Socket plain = new Socket();
    plain.bind(new InetSocketAddress(localHost, localPort));
    plain.connect(new InetSocketAddress(host, port));
    return layered(plain, host, port);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket plain = new Socket(host, port);
    return layered(plain, host.getHostAddress(), port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket plain = new Socket(address, port, localAddress, localPort);
    return layered(plain, address.getHostAddress(), port);
  }

  private Socket layered(Socket plain, String host, int port) throws IOException {
    try {
      return new NativeSocket(context, plain, host, port, true);
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return context.engineGetDefaultSSLParameters().getCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return NativeContextSpi.supportedSuites();
  }
}
