package dev.tlskit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK TLS server on a loopback port for client tests: implicit TLS, or a plaintext "STARTTLS" exchange first;
 * optionally demanding a client certificate. Each accepted connection runs a handler on a virtual thread.
 */
final class LoopbackTlsPeer implements AutoCloseable {
  /** What to do with one connection once TLS is up. */
  interface Handler {
    void handle(SSLSocket tls, Socket raw) throws Exception;
  }

  static final Handler ECHO = (tls, raw) -> {
    InputStream in = tls.getInputStream();
    OutputStream out = tls.getOutputStream();
    byte[] buf = new byte[4096];
    int n;
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
      out.flush();
    }
    tls.close();
  };

  private final ServerSocket server;
  private final SSLContext context;
  private final boolean starttls;
  private final boolean needClientAuth;
  private final Handler handler;
  private final BiFunction<SSLSocket, List<String>, String> alpnSelector;
  private final String[] protocols;
  private final String[] suites;
  final List<List<SNIServerName>> sniSeen = new CopyOnWriteArrayList<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();
  final List<X509Certificate[]> clientChains = new CopyOnWriteArrayList<>();

  private LoopbackTlsPeer(Builder b) throws Exception {
    this.starttls = b.starttls;
    this.needClientAuth = b.clientTrust != null;
    this.handler = b.handler;
    this.alpnSelector = b.alpnSelector;
    this.protocols = b.protocols;
    this.suites = b.suites;
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", b.key.privateKey(), "pw".toCharArray(), b.key.chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = b.provider == null ? KeyManagerFactory.getInstance("SunX509")
        : KeyManagerFactory.getInstance("PKIX", b.provider);
    kmf.init(ks, "pw".toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    if (b.clientTrust != null) {
      int i = 0;
      for (X509Certificate c : b.clientTrust) ts.setCertificateEntry("ca" + i++, c);
    }
    tmf.init(ts);
    if (b.shareWith != null) {
      context = b.shareWith.context;
    } else {
      context = b.provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", b.provider);
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    }
    server = new ServerSocket(0, 50, InetAddress.getByName(b.bindAddress));
    Thread.ofVirtual().start(this::acceptLoop);
  }

  static Builder builder(CertifiedKey key) {
    return new Builder(key);
  }

  static LoopbackTlsPeer echo(CertifiedKey key) throws Exception {
    return builder(key).build();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Waits until the server side of the first handshake has recorded the SNI names it received. */
  List<SNIServerName> awaitSni() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (sniSeen.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
    if (sniSeen.isEmpty()) throw new AssertionError("the server completed no handshake; errors: " + errors);
    return sniSeen.get(0);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket raw = server.accept();
        Thread.ofVirtual().start(() -> serve(raw));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket raw) {
    try (raw) {
      raw.setSoTimeout(20_000);
      if (starttls) {
        OutputStream out = raw.getOutputStream();
        out.write("* OK plaintext greeting\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = raw.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') line.append((char) c);
        if (!line.toString().trim().equals("STARTTLS")) return;
        out.write("* OK begin TLS\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
      tls.setUseClientMode(false);
      SSLParameters p = tls.getSSLParameters();
      p.setNeedClientAuth(needClientAuth);
      if (protocols != null) p.setProtocols(protocols);
      if (suites != null) p.setCipherSuites(suites);
      tls.setSSLParameters(p);
      if (alpnSelector != null) tls.setHandshakeApplicationProtocolSelector(alpnSelector);
      tls.startHandshake();
      var session = tls.getSession();
      if (session instanceof javax.net.ssl.ExtendedSSLSession ext) sniSeen.add(ext.getRequestedServerNames());
      if (needClientAuth) clientChains.add((X509Certificate[]) session.getPeerCertificates());
      handler.handle(tls, raw);
    } catch (Throwable e) {
      errors.add(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  static final class Builder {
    private final CertifiedKey key;
    private boolean starttls;
    private List<X509Certificate> clientTrust;
    private Handler handler = ECHO;
    private BiFunction<SSLSocket, List<String>, String> alpnSelector;
    private String bindAddress = "127.0.0.1";
    private String[] protocols;
    private String[] suites;
    private LoopbackTlsPeer shareWith;
    private java.security.Provider provider;

    Builder(CertifiedKey key) {
      this.key = key;
    }

    Builder starttls() {
      this.starttls = true;
      return this;
    }

    Builder needClientCertificate(List<X509Certificate> trusted) {
      this.clientTrust = trusted;
      return this;
    }

    Builder handler(Handler h) {
      this.handler = h;
      return this;
    }

    Builder alpn(BiFunction<SSLSocket, List<String>, String> selector) {
      this.alpnSelector = selector;
      return this;
    }

    /** Uses the TLS context (and so the session tickets' keys) of another peer, as two ports of one server. */
    Builder shareContextWith(LoopbackTlsPeer other) {
      this.shareWith = other;
      return this;
    }

    /** Uses another JSSE provider for the server side. */
    Builder provider(java.security.Provider provider) {
      this.provider = provider;
      return this;
    }

    Builder protocols(String... protocols) {
      this.protocols = protocols;
      return this;
    }

    Builder suites(String... suites) {
      this.suites = suites;
      return this;
    }

    Builder bind(String address) {
      this.bindAddress = address;
      return this;
    }

    LoopbackTlsPeer build() throws Exception {
      return new LoopbackTlsPeer(this);
    }
  }
}
