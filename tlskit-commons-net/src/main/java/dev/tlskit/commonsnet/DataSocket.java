package dev.tlskit.commonsnet;

import dev.tlskit.TlsConnection;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;

/**
 * The protected FTP data connection handed to Commons Net. Closing it, through the socket or either stream, ends TLS
 * cleanly and on TLS 1.3 reads what the server still sends: the session tickets a server issues after each handshake
 * arrive on the data connection, and an upload that never reads would leave them unread, so that a later data
 * connection finds no ticket to resume with (vsftpd then answers 522).
 */
final class DataSocket extends Socket {
  private static final int DRAIN_MILLIS = 2_000;

  private final TlsConnection data;
  private final SSLSocket ssl;
  private final InputStream in;
  private final OutputStream out;
  private boolean closed;

  DataSocket(TlsConnection data) throws IOException {
    this.data = data;
    this.ssl = (SSLSocket) data.socket();
    this.in = new FilterInputStream(ssl.getInputStream()) {
      @Override
      public void close() throws IOException {
        DataSocket.this.close();
      }
    };
    this.out = new FilterOutputStream(ssl.getOutputStream()) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        this.out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        DataSocket.this.close();
      }
    };
  }

  @Override
  public InputStream getInputStream() {
    return in;
  }

  @Override
  public OutputStream getOutputStream() {
    return out;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    closed = true;
    try {
      ssl.getOutputStream().flush();
      if ("TLSv1.3".equals(ssl.getSession().getProtocol())) {
        ssl.shutdownOutput(); // close_notify; TLS 1.3 allows reading on after it
        ssl.setSoTimeout(DRAIN_MILLIS);
        byte[] sink = new byte[8192];
        while (ssl.getInputStream().read(sink) >= 0) {
          // discard: only the tickets and the server's close_notify matter
        }
      }
    } catch (IOException ignored) {
      // the transfer's outcome is the server's reply on the control connection, not this
    } finally {
      data.close();
    }
  }

  @Override
  public boolean isClosed() {
    return closed || ssl.isClosed();
  }

  @Override
  public boolean isConnected() {
    return ssl.isConnected();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    ssl.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return ssl.getSoTimeout();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    ssl.setReceiveBufferSize(size);
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    ssl.setSendBufferSize(size);
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    ssl.setKeepAlive(on);
  }

  @Override
  public InetAddress getInetAddress() {
    return data.remoteAddress().getAddress();
  }

  @Override
  public int getPort() {
    return data.remoteAddress().getPort(); // the real data port, not the session's (TlsClient.secure)
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return data.remoteAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return ssl.getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    return ssl.getLocalPort();
  }

  @Override
  public String toString() {
    return "DataSocket[" + data.remoteAddress() + ", " + ssl.getSession().getProtocol() + "]";
  }
}
