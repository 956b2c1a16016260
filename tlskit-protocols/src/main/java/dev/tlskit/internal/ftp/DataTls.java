package dev.tlskit.internal.ftp;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSession;

/**
 * Protects FTP data connections by resuming the control connection's TLS session (RFC 4217 section 10.2; servers
 * such as vsftpd with {@code require_ssl_reuse=YES} refuse anything else). The only seam between the FTP client and
 * the TLS provider that secured the control connection.
 */
public interface DataTls {
  /**
   * Runs a client handshake over the connected {@code dataSocket} that offers the control connection's session, and
   * returns the protected connection. The peer is verified under the control connection's host name, never under
   * the data connection's address.
   */
  ProtectedData secure(Socket dataSocket) throws IOException;

  /** Returns the control connection's current TLS session. */
  SSLSession controlSession();

  /** Returns a short name of the mechanism, for reports ("JDK SSLEngine", "BouncyCastle JSSE"). */
  String mechanism();
}
