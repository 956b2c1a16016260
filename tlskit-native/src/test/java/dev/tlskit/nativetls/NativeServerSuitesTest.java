package dev.tlskit.nativetls;

import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The native engine's server sockets take their protocols and cipher suites from a BoringSSL context made for them
 * (netty converts the suite names once per context, not per connection): sockets of one {@code SSLContext} that ask
 * for different suites each get their own.
 */
class NativeServerSuitesTest {
  private static final String TLS13 = "TLS_AES_128_GCM_SHA256";
  private static final String AES128 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
  private static final String AES256 = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";

  @Test
  void serverSocketsOfOneContextEachEnforceTheirOwnSuites() throws Exception {
    SSLContext nat = nativeServerContext();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // the same wanted suites twice (one context), then others (a second context), then the first again
      assertThat(handshake(nat, listener, new String[] {TLS13, AES128}, AES128)).isEqualTo(AES128);
      assertThatThrownBy(() -> handshake(nat, listener, new String[] {TLS13, AES128}, AES256))
          .isInstanceOf(SSLException.class);
      assertThat(handshake(nat, listener, new String[] {TLS13, AES256}, AES256)).isEqualTo(AES256);
      assertThatThrownBy(() -> handshake(nat, listener, new String[] {TLS13, AES256}, AES128))
          .isInstanceOf(SSLException.class);
      assertThat(handshake(nat, listener, new String[] {TLS13, AES128}, AES128)).isEqualTo(AES128);
    }
  }

  /** Serves one handshake with {@code serverSuites}; a JDK TLS 1.2 client offers {@code clientSuite} only. */
  private static String handshake(SSLContext nat, ServerSocket listener, String[] serverSuites, String clientSuite)
      throws Exception {
    try (Socket raw = new Socket(listener.getInetAddress(), listener.getLocalPort());
        Socket accepted = listener.accept()) {
      SSLSocket server = layered(nat, accepted, serverSuites);
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try {
          server.startHandshake();
        } catch (IOException e) {
          // the client reports it
        }
      });
      try (SSLSocket client = jdkClient(raw, clientSuite)) {
        client.startHandshake();
        return client.getSession().getCipherSuite();
      } finally {
        served.get(10, TimeUnit.SECONDS);
        server.close();
      }
    }
  }

  private static SSLSocket layered(SSLContext nat, Socket raw, String[] suites) throws IOException {
    SSLSocket s = (SSLSocket) nat.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
    s.setUseClientMode(false);
    s.setSoTimeout(10_000);
    SSLParameters p = new SSLParameters(suites, new String[] {"TLSv1.3", "TLSv1.2"});
    s.setSSLParameters(p);
    return s;
  }

  private static SSLSocket jdkClient(Socket raw, String suite) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("root", ROOT.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ts);
    SSLContext jdk = SSLContext.getInstance("TLS", "SunJSSE");
    jdk.init(null, tmf.getTrustManagers(), null);
    SSLSocket c = (SSLSocket) jdk.getSocketFactory().createSocket(raw, "localhost", raw.getPort(), true);
    c.setSoTimeout(10_000);
    c.setEnabledProtocols(new String[] {"TLSv1.2"});
    c.setEnabledCipherSuites(new String[] {suite});
    return c;
  }

  private static SSLContext nativeServerContext() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "pw".toCharArray();
    ks.setKeyEntry("good", GOOD.privateKey(), pw, GOOD.chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, pw);
    SSLContext nat = SSLContext.getInstance("TLS", NativeTls.provider());
    nat.init(kmf.getKeyManagers(), null, null);
    return nat;
  }
}
