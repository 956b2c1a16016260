import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import java.io.*;
import java.lang.management.*;
import java.net.*;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.*;
import javax.net.ssl.*;

/** Client-thread CPU per phase, TlsKit client and raw client alternating per connection against one server. */
public class Ladder {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  public static void main(String[] a) throws Exception {
    boolean tlskitServer = a[0].equals("t"); int warm = Integer.parseInt(a[1]); int n = Integer.parseInt(a[2]);
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    int port;
    if (tlskitServer) {
      TlsServer server = TlsServer.builder(c -> BenchStacks.serve(c.input(), c.output()),
          ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
          .policy(TlsPolicy.builder().protocols("TLSv1.3").cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build())
          .sessionResumption(true).maxConnections(100_000).maxHandshakes(100_000).backlog(1024)
          .handshakeTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ofSeconds(30)).start();
      port = server.port();
    } else {
      char[] pw = "bench".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12"); keys.load(null, null);
      keys.setKeyEntry("server", pki.leaf().privateKey(), pw, pki.leaf().chain().toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()); kmf.init(keys, pw);
      SSLContext sc = SSLContext.getInstance("TLS", "SunJSSE"); sc.init(kmf.getKeyManagers(), null, null);
      SSLServerSocket l = (SSLServerSocket) sc.getServerSocketFactory().createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
      SSLParameters sp = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
      sp.setNamedGroups(new String[] {"x25519"}); sp.setUseCipherSuitesOrder(true); l.setSSLParameters(sp);
      Thread.ofPlatform().daemon().start(() -> { while (true) { try { Socket s = l.accept(); Thread.ofVirtual().start(() -> {
        try (s) { s.setTcpNoDelay(true); s.setSoTimeout(30000); BenchStacks.serve(s.getInputStream(), s.getOutputStream()); } catch (IOException e) {} }); } catch (IOException e) { return; } } });
      port = l.getLocalPort();
    }
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).protocols("TLSv1.3")
        .cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(30)).build();
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    SSLContext ctx = SSLContext.getInstance("TLS", "SunJSSE"); ctx.init(null, tmf.getTrustManagers(), null);
    SSLParameters p = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    p.setNamedGroups(new String[] {"x25519"}); p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setServerNames(List.of(new SNIHostName("localhost")));
    int V = 7; int[] only = Arrays.stream(a[3].split(",")).mapToInt(Integer::parseInt).toArray(); long[][] alloc = new long[V][4]; int[] resumed = new int[V];
    List<long[]>[] perConn = new List[V]; for (int v = 0; v < V; v++) perConn[v] = new ArrayList<>();
    for (int i = 0; i < warm + n; i++) {
      for (int k = 0; k < only.length; k++) {
        int w = only[(i % 2 == 0) ? k : only.length - 1 - k]; // alternate the order
        long[] c = new long[5]; long[] b = new long[5];
        c[0] = TM.getCurrentThreadCpuTime(); b[0] = TM.getCurrentThreadAllocatedBytes();
        InputStream in; OutputStream out; Closeable close; boolean res;
        if (w == 0) {
          TlsConnection conn = client.connectTls("127.0.0.1", port, "localhost");
          in = conn.input(); out = conn.output(); close = conn; res = conn.securityInfo().resumed();
        } else if (w == 1) {
          SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket();
          ssl.setSSLParameters(p);
          ssl.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30000);
          ssl.setTcpNoDelay(true); ssl.setSoTimeout(30000); ssl.startHandshake();
          in = ssl.getInputStream(); out = ssl.getOutputStream(); close = ssl; res = ssl.getSession().getCreationTime() < System.currentTimeMillis() - 1;
        } else {
          Socket plain = new Socket();
          plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30000);
          plain.setTcpNoDelay(true); plain.setSoTimeout(30000);
          if (w >= 3) plain = new dev.tlskit.internal.net.TransportSocket(plain, Duration.ofSeconds(30));
          SSLSocket ssl = (SSLSocket) (w >= 5 ? client.sslContext() : ctx).getSocketFactory().createSocket(plain, "localhost", port, true);
          if (w == 4 || w == 6) { SSLParameters q = ssl.getSSLParameters(); policy.applyTo(q); q.setEndpointIdentificationAlgorithm("HTTPS"); q.setServerNames(List.of(new SNIHostName("localhost"))); ssl.setSSLParameters(q); }
          else ssl.setSSLParameters(p);
          ssl.setSoTimeout(30000); ssl.startHandshake();
          in = ssl.getInputStream(); out = ssl.getOutputStream(); close = ssl; res = ssl.getSession().getCreationTime() < System.currentTimeMillis() - 1;
        }
        c[1] = TM.getCurrentThreadCpuTime(); b[1] = TM.getCurrentThreadAllocatedBytes();
        out.write('P'); out.flush();
        c[2] = TM.getCurrentThreadCpuTime(); b[2] = TM.getCurrentThreadAllocatedBytes();
        if (in.read() != 'p') throw new IOException("no pong");
        c[3] = TM.getCurrentThreadCpuTime(); b[3] = TM.getCurrentThreadAllocatedBytes();
        close.close();
        c[4] = TM.getCurrentThreadCpuTime(); b[4] = TM.getCurrentThreadAllocatedBytes();
        if (i >= warm) {
          long[] row = new long[4];
          for (int j = 0; j < 4; j++) { row[j] = c[j + 1] - c[j]; alloc[w][j] += b[j + 1] - b[j]; }
          perConn[w].add(row);
          if (res) resumed[w]++;
        }
      }
    }
    String[] names = {"connect+handshake", "write ping", "read pong", "close"};
    String[] vn = {"TlsKit", "JDK", "JDK-layered-plain", "JDK-layered-TransportSocket", "JDK-layered-TS+params", "TS+TlsKit-context", "TS+TlsKit-context+params"};
    for (int w : only) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-28s client, %s server, %d conns (%d resumed):", vn[w], tlskitServer ? "TlsServer" : "JDK", n, resumed[w]));
      long tot = 0;
      for (int j = 0; j < 4; j++) {
        final int jj = j;
        long[] v = perConn[w].stream().mapToLong(r -> r[jj]).sorted().toArray();
        double mean = Arrays.stream(v).average().orElse(0) / 1000;
        sb.append(String.format(Locale.ROOT, " | %s median %.1f mean %.1f us, %d B", names[j], v[v.length / 2] / 1000.0, mean, alloc[w][j] / n));
      }
      long[] total = perConn[w].stream().mapToLong(r -> r[0] + r[1] + r[2] + r[3]).sorted().toArray();
      sb.append(String.format(Locale.ROOT, " | total median %.1f mean %.1f us", total[total.length / 2] / 1000.0, Arrays.stream(total).average().orElse(0) / 1000));
      System.out.println(sb);
    }
    System.exit(0);
  }
}
