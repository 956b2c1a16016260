import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import dev.tlskit.nativetls.NativeTls;
import java.io.*;
import java.net.*;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.*;
import javax.net.ssl.*;

/**
 * One build's side of i18-close's CloseAB (drivers/CloseAB.java there, unchanged), for the NATIVE engine's server: a
 * TlsServer with policy provider NativeTls.provider() whose handler reads 'P', writes 'p' and returns (the server
 * closes first, TLS 1.3, idle timeout 300 s). Clients (JDK provider):
 *   "tlskit": a TlsKit client that reads 'p', then -1 (the server's close_notify), then closes (resumed handshakes);
 *   "jdk":    a raw JDK SSLSocket that closes right after reading 'p' (user_canceled + close_notify; full handshakes);
 *   "rst":    like openssl s_time -www (OpenSSL 3): a raw JDK SSLSocket layered over a socket with SO_LINGER 0 that
 *             reads 'p', then -1, then closes the TCP socket without close_notify (a reset; full handshakes).
 * Kinds "wait-jdk" and "wait-native" (both loaders given the same lib dir): the TlsKit client as in "tlskit", against
 * a JDK-provider or native-provider server; the side constructed first closes as the build does, the second sets
 * SO_TIMEOUT 0 in its handler just before returning, so that its close waits for nothing (both engines' rule for 0):
 * B - A is then what the wait for the client's close_notify costs, per engine, in one JVM.
 * call() runs one connection and returns {ns from the handler's return to the server's closed() event}.
 */
public class CloseSide implements Callable<long[]>, AutoCloseable {
  final TlsServer server;
  final SSLSocketFactory jdk;
  final TlsClient tlskit;
  final String kind;
  volatile long handlerEnd;
  final BlockingQueue<Long> closed = new LinkedBlockingQueue<>();

  public CloseSide(String kind) throws Exception {
    this.kind = kind;
    int order = Integer.getInteger("closeside.n", 0);
    System.setProperty("closeside.n", Integer.toString(order + 1));
    boolean noWait = kind.startsWith("wait-") && order == 1;
    TlsPolicy serverPolicy = kind.equals("wait-jdk") ? TlsPolicy.builder().build()
        : TlsPolicy.builder().provider(NativeTls.provider()).build();
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    server = TlsServer.builder(c -> {
          if (c.input().read() == 'P') {
            c.output().write('p');
            c.output().flush();
          }
          if (noWait) c.socket().setSoTimeout(0);
          handlerEnd = System.nanoTime();
        }, ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
        .policy(serverPolicy)
        .sessionResumption(true).maxConnections(100_000).maxHandshakes(100_000)
        .listener(new ServerListener() {
          @Override public void closed(ServerConnection c, Throwable e) { closed.add(e == null ? System.nanoTime() : -1L); }
        }).start();
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    SSLContext ctx = SSLContext.getInstance("TLS"); ctx.init(null, tmf.getTrustManagers(), null);
    jdk = ctx.getSocketFactory();
    tlskit = TlsClient.builder().policy(TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).build())
        .timeout(Duration.ofSeconds(30)).build();
  }

  @Override
  public long[] call() throws Exception {
    if (kind.equals("tlskit") || kind.startsWith("wait-")) {
      try (TlsConnection c = tlskit.connectTls("127.0.0.1", server.port(), BenchStacks.PEER_NAME)) {
        c.output().write('P'); c.output().flush();
        if (c.input().read() != 'p' || c.input().read() != -1 || c.truncated()) throw new IOException("bad reply");
      }
    } else if (kind.equals("rst")) {
      try (Socket raw = new Socket("127.0.0.1", server.port())) {
        raw.setSoTimeout(30_000);
        raw.setTcpNoDelay(true);
        raw.setSoLinger(true, 0);
        SSLSocket s = (SSLSocket) jdk.createSocket(raw, BenchStacks.PEER_NAME, raw.getPort(), false);
        s.getOutputStream().write('P'); s.getOutputStream().flush();
        if (s.getInputStream().read() != 'p' || s.getInputStream().read() != -1) throw new IOException("bad reply");
      } // raw closes with SO_LINGER 0: a reset, no close_notify (s is never closed)
    } else {
      try (SSLSocket s = (SSLSocket) jdk.createSocket("127.0.0.1", server.port())) {
        s.setSoTimeout(30_000);
        s.getOutputStream().write('P'); s.getOutputStream().flush();
        if (s.getInputStream().read() != 'p') throw new IOException("no pong");
      }
    }
    Long at = closed.poll(30, TimeUnit.SECONDS);
    if (at == null || at < 0) throw new IOException("no clean closed() event: " + at);
    return new long[] {at - handlerEnd};
  }

  @Override
  public void close() {
    server.shutdown(Duration.ofSeconds(1));
  }
}
