package dev.tlskit.nativetls.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * The plain-socket half of a TLS socket layered over another socket: addresses, ports and options are the socket
 * below's; it is connected and bound already.
 */
abstract class LayeredSslSocket extends SSLSocket {
  /** The socket below (TlsKit's {@code TransportSocket}). */
  final Socket under;

  LayeredSslSocket(Socket under) {
    this.under = under;
  }

  @Override
  public boolean isConnected() {
    return under.isConnected();
  }

  @Override
  public boolean isBound() {
    return under.isBound();
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    throw new SocketException("a layered TLS socket is connected already");
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    connect(endpoint, 0);
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    throw new SocketException("a layered TLS socket is bound already");
  }

  @Override
  public InetAddress getInetAddress() {
    return under.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return under.getLocalAddress();
  }

  @Override
  public int getPort() {
    return under.getPort();
  }

  @Override
  public int getLocalPort() {
    return under.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return under.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return under.getLocalSocketAddress();
  }

  @Override
  public SocketChannel getChannel() {
    return null;
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    under.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return under.getSoTimeout();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    under.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return under.getTcpNoDelay();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    under.setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return under.getKeepAlive();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    under.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return under.getSoLinger();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    under.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return under.getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    under.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return under.getReceiveBufferSize();
  }
}
