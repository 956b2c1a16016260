package dev.tlskit.internal.ftp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.jsse.BCSSLSocket;
import org.bouncycastle.tls.TlsNoCloseNotifyException;

/**
 * Resumes the control session with BouncyCastle's JSSE provider, which has an API for exactly this:
 * {@link BCSSLSocket#setBCSessionToResume}. Resumes on TLS 1.2 (session IDs); BouncyCastle's client does not resume
 * TLS 1.3 sessions, see docs/ftps-session-reuse.md. The control connection must itself be a BouncyCastle socket.
 */
public final class BcDataTls implements DataTls {
  private final SSLContext context;
  private final SSLSocket control;
  private final String peerName;

  /**
   * @param context a BouncyCastle JSSE context, the one that created {@code control}
   * @param control the control connection's socket, a {@link BCSSLSocket}, handshake done
   * @param peerName the name the control connection verified the server under
   */
  public BcDataTls(SSLContext context, SSLSocket control, String peerName) {
    if (!(control instanceof BCSSLSocket)) {
      throw new IllegalArgumentException("control connection is not a BouncyCastle socket: " + control.getClass());
    }
    this.context = context;
    this.control = control;
    this.peerName = peerName;
  }

  /** Returns true when {@code socket} is a BouncyCastle JSSE socket. */
  public static boolean isBouncyCastle(SSLSocket socket) {
    return socket instanceof BCSSLSocket;
  }

  @Override
  public ProtectedData secure(Socket dataSocket) throws IOException {
    SSLSocket ssl = (SSLSocket) context.getSocketFactory()
        .createSocket(dataSocket, peerName, control.getPort(), true);
    try {
      ((BCSSLSocket) ssl).setBCSessionToResume(((BCSSLSocket) control).getBCSession());
      ssl.setSSLParameters(control.getSSLParameters());
      ssl.startHandshake();
      return SocketData.tls(ssl, new CloseNotifyWatch(ssl.getInputStream()));
    } catch (IOException | RuntimeException e) {
      ssl.close();
      throw e;
    }
  }

  @Override
  public SSLSession controlSession() {
    return control.getSession();
  }

  @Override
  public String mechanism() {
    return "BouncyCastle JSSE setBCSessionToResume";
  }

  /**
   * Reports BouncyCastle's end of a data connection without close_notify ({@link TlsNoCloseNotifyException}) as every
   * engine's is reported: {@link ProtectedData#truncated}.
   */
  private static final class CloseNotifyWatch extends FilterInputStream {
    CloseNotifyWatch(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (TlsNoCloseNotifyException e) {
        throw ProtectedData.truncated(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (TlsNoCloseNotifyException e) {
        throw ProtectedData.truncated(e);
      }
    }
  }
}
