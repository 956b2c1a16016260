package dev.tlskit.internal.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A data connection that is a plain socket (PROT C, session null) or a provider's own {@link SSLSocket}, read through
 * {@code input}.
 */
public record SocketData(Socket socket, SSLSession session, InputStream input) implements ProtectedData {
  /** Wraps a clear data connection. */
  public static SocketData clear(Socket socket) throws IOException {
    return new SocketData(socket, null, socket.getInputStream());
  }

  /** Wraps a TLS socket whose handshake is done, read through {@code input} (its stream, or a filter of it). */
  public static SocketData tls(SSLSocket socket, InputStream input) {
    return new SocketData(socket, socket.getSession(), input);
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
