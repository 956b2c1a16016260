package dev.tlskit.internal.ftp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSession;

/** A data connection after its TLS handshake: streams, the negotiated session, and the socket underneath. */
public interface ProtectedData extends Closeable {
  InputStream input() throws IOException;

  OutputStream output() throws IOException;

  SSLSession session();

  Socket socket();

  /** Closes the TLS layer (close_notify) and the socket. */
  @Override
  void close() throws IOException;
}
