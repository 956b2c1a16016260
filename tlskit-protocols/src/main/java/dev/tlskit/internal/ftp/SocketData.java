package dev.tlskit.internal.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** A data connection that is a plain socket (PROT C, session null) or a provider's own {@link SSLSocket}. */
public record SocketData(Socket socket, SSLSession session) implements ProtectedData {
  /** Wraps a clear data connection. */
  public static SocketData clear(Socket socket) {
    return new SocketData(socket, null);
  }

  /** Wraps a TLS socket whose handshake is done. */
  public static SocketData tls(SSLSocket socket) {
    return new SocketData(socket, socket.getSession());
  }

  @Override
  public InputStream input() throws IOException {
    return socket.getInputStream();
  }

  @Override
  public OutputStream output() throws IOException {
    return socket.getOutputStream();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
