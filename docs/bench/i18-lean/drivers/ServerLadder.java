import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.server.RenegotiationGuard;
import dev.tlskit.internal.server.ServerHandshake;
import java.io.*;
import java.lang.management.*;
import java.lang.reflect.*;
import java.net.*;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.*;

/**
 * A raw JDK client against a ladder of servers, each adding one of TlsServer's ingredients, taking turns connection by
 * connection (order rotated). Per connection: CPU of all threads (summed per-thread clocks), of all threads but the
 * client's, bytes allocated by the process. Resumed handshakes (each server keeps its own session cache).
 * Usage: ServerLadder WARM N VARIANTS(comma list of 0..6)
 */
public class ServerLadder {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static final String[] NAMES = {"raw SSLServerSocket", "plain accept + layered SSLSocket", "+ TransportSocket, guard, flight",
      "ServerHandshake.Attempt (no describe)", "ServerHandshake.Attempt + describe", "ServerTls.secure", "TlsServer"};
  interface Conn { void serve(Socket raw) throws Exception; }

  public static void main(String[] a) throws Exception {
    int warm = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]);
    int[] only = Arrays.stream(a[2].split(",")).mapToInt(Integer::parseInt).toArray();
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    char[] pw = "bench".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12"); keys.load(null, null);
    keys.setKeyEntry("server", pki.leaf().privateKey(), pw, pki.leaf().chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()); kmf.init(keys, pw);
    SSLParameters sp = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    sp.setNamedGroups(new String[] {"x25519"}); sp.setUseCipherSuitesOrder(true);
    TlsPolicy policy = TlsPolicy.builder().protocols("TLSv1.3").cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsServer.Builder builder = TlsServer.builder(c -> BenchStacks.serve(c.input(), c.output()),
          ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
        .policy(policy).sessionResumption(true).maxConnections(100_000).maxHandshakes(100_000).backlog(1024)
        .handshakeTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ofSeconds(30));
    int[] ports = new int[7];
    for (int v : only) {
      if (v == 6) { ports[v] = builder.start().port(); continue; }
      if (v == 0) {
        SSLContext sc = SSLContext.getInstance("TLS", "SunJSSE"); sc.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket l = (SSLServerSocket) sc.getServerSocketFactory().createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        l.setSSLParameters(sp);
        accept(l, raw -> { BenchStacks.serve(raw.getInputStream(), raw.getOutputStream()); });
        ports[v] = l.getLocalPort(); continue;
      }
      ServerSocket l = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
      ports[v] = l.getLocalPort();
      if (v == 1 || v == 2) {
        SSLContext sc = SSLContext.getInstance("TLS", "SunJSSE"); sc.init(kmf.getKeyManagers(), null, null);
        SSLSocketFactory f = sc.getSocketFactory();
        boolean ts = v == 2;
        accept(l, raw -> {
          Socket under = raw; RenegotiationGuard[] g = new RenegotiationGuard[1];
          if (ts) { TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(30), in -> g[0] = new RenegotiationGuard(in, () -> {})); t.watchServerFlight(false); under = t; }
          SSLSocket s = (SSLSocket) f.createSocket(under, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
          s.setUseClientMode(false); s.setSSLParameters(sp); s.startHandshake();
          if (ts) g[0].arm();
          try (s) { BenchStacks.serve(s.getInputStream(), s.getOutputStream()); }
        });
      } else if (v == 3 || v == 4) {
        Field df = TlsServer.Builder.class.getDeclaredField("draft"); df.setAccessible(true);
        Object draft = df.get(builder);
        Object config = draft.getClass().getMethod("resolve").invoke(draft);
        Method hm = TlsServer.class.getDeclaredMethod("handshake", config.getClass()); hm.setAccessible(true);
        ServerHandshake h = (ServerHandshake) hm.invoke(null, config);
        boolean describe = v == 4;
        accept(l, raw -> {
          raw.setSoTimeout(30000);
          ServerHandshake.Attempt at = h.attempt(raw, () -> {});
          at.run();
          if (describe) { if (at.describe() == null) throw new AssertionError(); }
          try (SSLSocket s = at.socket()) { BenchStacks.serve(s.getInputStream(), s.getOutputStream()); }
        });
      } else if (v == 5) {
        ServerTls st = builder.buildServerTls();
        accept(l, raw -> { try (ServerConnection c = st.secure(raw)) { BenchStacks.serve(c.input(), c.output()); } });
      }
    }
    // the client: raw JDK, prepared parameters, connects itself
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    SSLContext[] ctx = new SSLContext[7]; // one client context per server: each has its own session
    SSLParameters p = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    p.setNamedGroups(new String[] {"x25519"}); p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setServerNames(List.of(new SNIHostName("localhost")));
    for (int v : only) { ctx[v] = SSLContext.getInstance("TLS", "SunJSSE"); ctx[v].init(null, tmf.getTrustManagers(), null); }
    long[][][] samples = new long[7][4][n]; int[] resumed = new int[7];
    for (int i = 0; i < warm + n; i++) {
      for (int k = 0; k < only.length; k++) {
        int w = only[(i + k) % only.length];
        long p0 = allCpu(), b0 = TM.getTotalThreadAllocatedBytes(), c0 = TM.getCurrentThreadCpuTime();
        SSLSocket ssl = (SSLSocket) ctx[w].getSocketFactory().createSocket();
        ssl.setSSLParameters(p);
        ssl.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[w]), 30000);
        ssl.setTcpNoDelay(true); ssl.setSoTimeout(30000); ssl.startHandshake();
        boolean res = ssl.getSession().getCreationTime() < System.currentTimeMillis() - 1;
        ssl.getOutputStream().write('P'); ssl.getOutputStream().flush();
        if (ssl.getInputStream().read() != 'p') throw new IOException("no pong");
        ssl.close();
        long c1 = TM.getCurrentThreadCpuTime();
        LockSupport.parkNanos(200_000);
        long p1 = allCpu(), b1 = TM.getTotalThreadAllocatedBytes();
        if (i >= warm) { int j = i - warm; samples[w][0][j] = p1 - p0; samples[w][1][j] = (p1 - p0) - (c1 - c0); samples[w][2][j] = b1 - b0; samples[w][3][j] = c1 - c0; if (res) resumed[w]++; }
      }
    }
    System.out.printf(Locale.ROOT, "%d connections per variant after %d of warm-up, taking turns; median (mean); resumed counts%n", n, warm);
    for (int v : only) {
      System.out.printf(Locale.ROOT, "%d %-40s all threads %s us | all but client %s us | client %s us | process bytes %s | resumed %d%n",
          v, NAMES[v], us(samples[v][0]), us(samples[v][1]), us(samples[v][3]), by(samples[v][2]), resumed[v]);
    }
    System.exit(0);
  }

  static void accept(ServerSocket l, Conn c) {
    Thread.ofPlatform().daemon().start(() -> { while (true) { try { Socket s = l.accept(); Thread.ofVirtual().start(() -> {
      try { s.setTcpNoDelay(true); s.setSoTimeout(30000); c.serve(s); } catch (Exception e) { e.printStackTrace(); } finally { try { s.close(); } catch (IOException e) {} } }); } catch (IOException e) { return; } } });
  }
  static long allCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(TM.getAllThreadIds())) if (t > 0) sum += t; return sum; }
  static String us(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%.1f (%.1f)", v[v.length / 2] / 1e3, Arrays.stream(v).average().orElse(0) / 1e3); }
  static String by(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%d (%.0f)", v[v.length / 2], Arrays.stream(v).average().orElse(0)); }
}
