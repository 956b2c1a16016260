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
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.*;

/**
 * A ladder of clients against ONE raw JDK server (SSLServerSocket, virtual thread per connection), taking turns per
 * connection: what each client variant costs the SERVER's threads (virtual-thread carriers + accept loop), and its own.
 * Usage: ClientLadder WARM N VARIANTS
 */
public class ClientLadder {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static final String[] NAMES = {"raw SSLSocket (connects itself)", "layered over plain Socket", "layered over TransportSocket",
      "TlsKit connectTls", "layered plain, close: shutdownOutput first", "raw, close after reading EOF"};
  public static void main(String[] a) throws Exception {
    int warm = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]);
    int[] only = Arrays.stream(a[2].split(",")).mapToInt(Integer::parseInt).toArray();
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    char[] pw = "bench".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12"); keys.load(null, null);
    keys.setKeyEntry("server", pki.leaf().privateKey(), pw, pki.leaf().chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()); kmf.init(keys, pw);
    SSLContext sc = SSLContext.getInstance("TLS", "SunJSSE"); sc.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket l = (SSLServerSocket) sc.getServerSocketFactory().createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    SSLParameters sp = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    sp.setNamedGroups(new String[] {"x25519"}); sp.setUseCipherSuitesOrder(true); l.setSSLParameters(sp);
    Thread.ofPlatform().daemon().name("bench-jdk-accept").start(() -> { while (true) { try { Socket s = l.accept(); Thread.ofVirtual().start(() -> {
      try (s) { s.setTcpNoDelay(true); s.setSoTimeout(30000); BenchStacks.serve(s.getInputStream(), s.getOutputStream()); } catch (IOException e) {} }); } catch (IOException e) { return; } } });
    int port = l.getLocalPort();
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).protocols("TLSv1.3")
        .cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(30)).build();
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    SSLContext[] ctx = new SSLContext[NAMES.length];
    for (int v : only) { ctx[v] = SSLContext.getInstance("TLS", "SunJSSE"); ctx[v].init(null, tmf.getTrustManagers(), null); }
    SSLParameters p = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    p.setNamedGroups(new String[] {"x25519"}); p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setServerNames(List.of(new SNIHostName("localhost")));
    long[][][] s = new long[NAMES.length][4][n];
    for (int i = 0; i < warm + n; i++) {
      for (int k = 0; k < only.length; k++) {
        int w = only[(i + k) % only.length];
        if (i % 500 == 0 && k == 0) refresh();
        long v0 = serverCpu(), p0 = allCpu(), c0 = TM.getCurrentThreadCpuTime();
        InputStream in; OutputStream out; Socket sock; TlsConnection conn = null; SSLSocket ssl = null;
        if (w == 3) {
          conn = client.connectTls("127.0.0.1", port, "localhost"); in = conn.input(); out = conn.output(); sock = null;
        } else if (w == 0 || w == 5) {
          ssl = (SSLSocket) ctx[w].getSocketFactory().createSocket();
          ssl.setSSLParameters(p);
          ssl.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30000);
          ssl.setTcpNoDelay(true); ssl.setSoTimeout(30000); ssl.startHandshake();
          in = ssl.getInputStream(); out = ssl.getOutputStream(); sock = ssl;
        } else {
          Socket plain = new Socket();
          plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30000);
          plain.setTcpNoDelay(true); plain.setSoTimeout(30000);
          if (w == 2) plain = new dev.tlskit.internal.net.TransportSocket(plain, Duration.ofSeconds(30));
          ssl = (SSLSocket) ctx[w].getSocketFactory().createSocket(plain, "localhost", port, true);
          ssl.setSSLParameters(p); ssl.setSoTimeout(30000); ssl.startHandshake();
          in = ssl.getInputStream(); out = ssl.getOutputStream(); sock = ssl;
        }
        out.write('P'); out.flush();
        if (in.read() != 'p') throw new IOException("no pong");
        if (w == 4) ssl.shutdownOutput();
        if (w == 5) { ssl.shutdownOutput(); in.read(); }
        if (conn != null) conn.close(); else sock.close();
        long c1 = TM.getCurrentThreadCpuTime();
        LockSupport.parkNanos(200_000);
        long p1 = allCpu(), v1 = serverCpu();
        if (i >= warm) { int j = i - warm; s[w][0][j] = p1 - p0; s[w][1][j] = c1 - c0; s[w][2][j] = v1 - v0; s[w][3][j] = (p1 - p0) - (c1 - c0); }
      }
    }
    System.out.printf(Locale.ROOT, "%d connections per client variant after %d of warm-up, one raw JDK server; median (mean)%n", n, warm);
    for (int v : only) System.out.printf(Locale.ROOT, "%d %-44s process %s | client thread %s | server carriers + accept %s | all but client %s us%n", v, NAMES[v], us(s[v][0]), us(s[v][1]), us(s[v][2]), us(s[v][3]));
    System.exit(0);
  }
  static long[] server = new long[0];
  static void refresh() { server = Arrays.stream(TM.getThreadInfo(TM.getAllThreadIds())).filter(Objects::nonNull).filter(t -> t.getThreadName().startsWith("ForkJoinPool") || t.getThreadName().contains("accept")).mapToLong(ThreadInfo::getThreadId).toArray(); }
  static long serverCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(server)) if (t > 0) sum += t; return sum; }
  static long allCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(TM.getAllThreadIds())) if (t > 0) sum += t; return sum; }
  static String us(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%.1f (%.1f)", v[v.length / 2] / 1e3, Arrays.stream(v).average().orElse(0) / 1e3); }
}
