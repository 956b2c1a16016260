import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import java.io.*;
import java.net.*;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.*;
import javax.net.ssl.*;

/**
 * One build's side of CloseAB (loaded once per build, in that build's class loader): a TlsServer whose handler reads
 * 'P', writes 'p' and returns (the server closes first, TLS 1.3, idle timeout 300 s), and an honest client that reads
 * 'p' and then closes at once. kind "jdk": a raw JDK SSLSocket client that closes after reading 'p' (its close sends
 * user_canceled + close_notify); kind "jdkeof": the same, reading the server's close_notify (-1) first; kind "tlskit":
 * a TlsKit client that reads 'p', then -1, then closes. call() runs one connection and returns {close wait ns: from
 * the handler's return to the server's closed() event, i.e. how long the server's close took, the client's
 * close_notify answer included}.
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
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    server = TlsServer.builder(c -> {
          if (c.input().read() == 'P') {
            c.output().write('p');
            c.output().flush();
          }
          handlerEnd = System.nanoTime();
        }, ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
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
    if (kind.equals("tlskit")) {
      try (TlsConnection c = tlskit.connectTls("127.0.0.1", server.port(), BenchStacks.PEER_NAME)) {
        c.output().write('P'); c.output().flush();
        if (c.input().read() != 'p' || c.input().read() != -1 || c.truncated()) throw new IOException("bad reply");
      }
    } else {
      try (SSLSocket s = (SSLSocket) jdk.createSocket("127.0.0.1", server.port())) {
        s.setSoTimeout(30_000);
        s.getOutputStream().write('P'); s.getOutputStream().flush();
        if (s.getInputStream().read() != 'p') throw new IOException("no pong");
        if (kind.equals("jdkeof") && s.getInputStream().read() != -1) throw new IOException("no end");
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
