package dev.tlskit.internal.ftp;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Resumes the control session with the JDK's own provider: an {@link SSLEngine} created for the control
 * connection's host and port, so that the JDK's client session cache (keyed by host and port) offers the control
 * connection's session, and configured with the control connection's parameters (the JDK offers a cached session
 * only under the same endpoint identification). Resumes on TLS 1.3 (tickets); on TLS 1.2 only when the server
 * resumes by session ID, see docs/ftps-session-reuse.md.
 */
public final class JdkDataTls implements DataTls {
  private final SSLContext context;
  private final SSLSocket control;
  private final String peerName;
  private final int controlPort;

  /**
   * @param context the context that created {@code control} (its session cache holds the session to resume)
   * @param control the control connection's socket, handshake done
   * @param peerName the name the control connection verified the server under
   */
  public JdkDataTls(SSLContext context, SSLSocket control, String peerName) {
    this.context = context;
    this.control = control;
    this.peerName = peerName;
    this.controlPort = control.getPort();
  }

  @Override
  public ProtectedData secure(Socket dataSocket) throws IOException {
    SSLEngine engine = context.createSSLEngine(peerName, controlPort);
    engine.setUseClientMode(true);
    engine.setSSLParameters(control.getSSLParameters());
    EngineSocket s = new EngineSocket(engine, dataSocket);
    try {
      s.handshake(control.getSession(), isJdk(context));
      return s;
    } catch (IOException | RuntimeException e) {
      dataSocket.close();
      throw e;
    }
  }

  @Override
  public SSLSession controlSession() {
    return control.getSession();
  }

  @Override
  public String mechanism() {
    return (isJdk(context) ? "JDK" : context.getProvider().getName()) + " SSLEngine keyed by the control host and port";
  }

  /** True when {@code context} is the JDK's own provider (SunJSSE), not the native engine or another one. */
  public static boolean isJdk(SSLContext context) {
    return "SunJSSE".equals(context.getProvider().getName());
  }
}
