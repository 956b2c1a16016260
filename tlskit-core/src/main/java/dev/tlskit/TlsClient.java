package dev.tlskit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * Opens client connections, plaintext or implicit TLS, that can be upgraded in place. Immutable and safe to share.
 *
 * <p>Defaults: connect timeout 10 s, read timeout 30 s, hostname verification on, the JDK's trust anchors.
 */
public final class TlsClient {
  private final SSLContext sslContext;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  private TlsClient(Builder b) {
    this.sslContext = b.sslContext;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
  }

  /** Returns a builder with the secure defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Opens a plaintext connection to {@code host:port}; its certificate is later verified against {@code host}. */
  public TlsConnection connectPlain(String host, int port) throws IOException {
    return connectPlain(host, port, host);
  }

  /**
   * Opens a plaintext connection to {@code host:port} whose later TLS upgrade verifies the peer as {@code
   * peerName}.
   */
  public TlsConnection connectPlain(String host, int port, String peerName) throws IOException {
    return new TlsConnection(dial(host, port), peerName, upgrader());
  }

  /** Opens an implicit-TLS connection to {@code host:port}, verifying the peer as {@code host}. */
  public TlsConnection connectTls(String host, int port) throws IOException {
    return connectTls(host, port, host);
  }

  /** Opens an implicit-TLS connection to {@code host:port}, verifying the peer as {@code peerName}. */
  public TlsConnection connectTls(String host, int port, String peerName) throws IOException {
    Socket plain = dial(host, port);
    Upgrader up = upgrader();
    try {
      return new TlsConnection(up.handshake(plain, peerName), peerName, up);
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  private Socket dial(String host, int port) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), Math.toIntExact(connectTimeout.toMillis()));
      s.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      s.setTcpNoDelay(true);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private Upgrader upgrader() {
    return new Upgrader();
  }

  private final class Upgrader implements TlsConnection.Upgrader {
    @Override
    public SSLSocket handshake(Socket plain, String peerName) throws IOException {
      SSLSocket ssl = (SSLSocket) sslContext.getSocketFactory()
          .createSocket(plain, peerName, plain.getPort(), true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (!isIpLiteral(peerName)) params.setServerNames(List.of(new SNIHostName(peerName)));
      params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      ssl.setSSLParameters(params);
      try {
        ssl.startHandshake();
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        throw new TlsSecurityException(TlsSecurityException.Reason.HANDSHAKE_FAILED,
            "TLS handshake with " + peerName + " failed: " + e.getMessage(), null, e);
      }
      return ssl;
    }

    @Override
    public SecurityInfo describe(SSLSocket socket, String peerName) {
      var session = socket.getSession();
      List<X509Certificate> peer = new ArrayList<>();
      try {
        for (Certificate c : session.getPeerCertificates()) peer.add((X509Certificate) c);
      } catch (SSLPeerUnverifiedException ignored) {
        // anonymous peer: empty chain
      }
      List<X509Certificate> local = new ArrayList<>();
      if (session.getLocalCertificates() != null) {
        for (Certificate c : session.getLocalCertificates()) local.add((X509Certificate) c);
      }
      return new SecurityInfo(session.getProtocol(), session.getCipherSuite(), peerName, !isIpLiteral(peerName),
          socket.getApplicationProtocol(), peer, local,
          new ValidationReport(peerName, peer, List.of(), List.of()));
    }
  }

  static boolean isIpLiteral(String name) {
    return name.indexOf(':') >= 0 || name.matches("[0-9.]+");
  }

  /** Builds a {@link TlsClient}. */
  public static final class Builder {
    private SSLContext sslContext;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);

    private Builder() {
      try {
        sslContext = SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no default TLS context", e);
      }
    }

    /** Sets the time allowed to establish the TCP connection. Default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Sets the time any single read may block. Default 30 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /** Uses this JDK TLS context for trust and key material (until policies land). */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    public TlsClient build() {
      return new TlsClient(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive and finite: " + d);
      }
      return d;
    }
  }
}
