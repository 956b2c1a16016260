import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import dev.tlskit.nativetls.NativeTls;
import java.io.*;
import java.security.KeyStore;
import java.time.Duration;
import java.util.*;
import javax.net.ssl.*;

/**
 * The smallest driver of the i18-nclose "jdk" stall: one TlsServer (handler: read 'P', write 'p', return), a client
 * loop in the same JVM, one connection at a time. Usage: Stall SERVER(native|jdk|raw) CLIENT(jdk|tlskit) N [resume];
 * -Dclient.nodelay=true: the JDK client sets TCP_NODELAY; -Dclient.tls12=true: it speaks TLS 1.2.
 * Prints, every 100 connections, the rate and the slowest connection; at the end the count of connections > 20 ms.
 */
public class Stall {
  public static void main(String[] a) throws Exception {
    String serverKind = a[0], clientKind = a[1];
    int n = Integer.parseInt(a[2]);
    boolean resume = a.length > 3 && a[3].equals("resume");
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    TlsPolicy serverPolicy = serverKind.equals("jdk") ? TlsPolicy.builder().build()
        : TlsPolicy.builder().provider(NativeTls.provider()).build();
    boolean nodelay = Boolean.getBoolean("client.nodelay");
    TlsServer server = serverKind.equals("raw") ? null : TlsServer.builder(c -> {
          if (c.input().read() == 'P') { c.output().write('p'); c.output().flush(); }
        }, ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
        .policy(serverPolicy).sessionResumption(resume).maxConnections(100_000).maxHandshakes(100_000).start();
    int port = server != null ? server.port() : rawServer(pki);
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    SSLContext ctx = SSLContext.getInstance("TLS"); ctx.init(null, tmf.getTrustManagers(), null);
    SSLSocketFactory jdk = ctx.getSocketFactory();
    TlsClient tlskit = TlsClient.builder().policy(TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).build())
        .timeout(Duration.ofSeconds(30)).build();
    System.out.printf("server %s client %s resume %s pid %d port %d%n", serverKind, clientKind, resume,
        ProcessHandle.current().pid(), port);
    long t0 = System.nanoTime(), tb = t0, worst = 0; int slow = 0, worstAt = -1, firstSlow = -1;
    for (int i = 1; i <= n; i++) {
      long s0 = System.nanoTime();
      if (clientKind.equals("tlskit")) {
        try (TlsConnection c = tlskit.connectTls("127.0.0.1", server.port(), BenchStacks.PEER_NAME)) {
          c.output().write('P'); c.output().flush();
          if (c.input().read() != 'p') throw new IOException("no pong");
        }
      } else {
        java.net.Socket raw = new java.net.Socket("127.0.0.1", port);
        if (nodelay) raw.setTcpNoDelay(true);
        try (SSLSocket s = (SSLSocket) jdk.createSocket(raw, "127.0.0.1", port, true)) {
          s.setSoTimeout(30_000);
          if (Boolean.getBoolean("client.tls12")) s.setEnabledProtocols(new String[] {"TLSv1.2"});
          s.getOutputStream().write('P'); s.getOutputStream().flush();
          if (s.getInputStream().read() != 'p') throw new IOException("no pong");
        }
      }
      long d = System.nanoTime() - s0;
      if (d > 20_000_000) { slow++; if (firstSlow < 0) firstSlow = i; }
      if (d > worst) { worst = d; worstAt = i; }
      if (i % 100 == 0) {
        long now = System.nanoTime();
        System.out.printf(Locale.ROOT, "%6d  %.1f s  %.0f conn/s  slow(>20ms) so far %d (first #%d)  worst %.1f ms (#%d)%n", i,
            (now - t0) / 1e9, 100 / ((now - tb) / 1e9), slow, firstSlow, worst / 1e6, worstAt);
        tb = now; worst = 0;
      }
    }
    System.out.printf(Locale.ROOT, "done %d in %.1f s, slow %d%n", n, (System.nanoTime() - t0) / 1e9, slow);
    if (server != null) server.shutdown(Duration.ofSeconds(1));
    System.exit(0);
  }

  /** A raw JDK SSLServerSocket with the same handler, one virtual thread per connection; returns its port. */
  static int rawServer(BenchStacks.Pki pki) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12"); ks.load(null, null);
    ks.setKeyEntry("k", pki.leaf().privateKey(), new char[0], pki.leaf().chain().toArray(new java.security.cert.Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX"); kmf.init(ks, new char[0]);
    SSLContext c = SSLContext.getInstance("TLS"); c.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket ss = (SSLServerSocket) c.getServerSocketFactory().createServerSocket(0, 512, java.net.InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().start(() -> {
      while (true) {
        try {
          java.net.Socket s = ss.accept();
          Thread.ofVirtual().start(() -> {
            try (s) { s.setSoTimeout(30_000); if (s.getInputStream().read() == 'P') { s.getOutputStream().write('p'); s.getOutputStream().flush(); } }
            catch (IOException e) { }
          });
        } catch (IOException e) { return; }
      }
    });
    return ss.getLocalPort();
  }
}
