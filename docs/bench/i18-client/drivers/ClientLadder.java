import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.io.Closing;
import dev.tlskit.internal.io.KeyExchangeSniffer;
import dev.tlskit.internal.net.Dialer;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.tls.PolicyKeyManager;
import dev.tlskit.internal.tls.ProviderHook;
import dev.tlskit.internal.tls.SecurityInfos;
import dev.tlskit.internal.trust.ReportingTrustManager;
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
 * The full client ladder (issue 18, i18-client): from a lean raw JDK client layered over TransportSocket up to
 * TlsClient.connectTls, one TlsKit ingredient per rung, all taking turns connection by connection (order rotated)
 * against ONE raw JDK server (SSLServerSocket, virtual thread per connection).
 *
 * A variant is "m<mask>" (the lean client plus the ingredients of the mask, below), "tls" (TlsClient.connectTls
 * itself), "old" (mask 0 closed by the JDK's close() alone: user_canceled + close_notify), "fp<KB>" (mask 0, reading
 * KB kilobytes of an array, 64-byte stride, right before startHandshake: a cache-footprint test), "al<KB>" (mask 0,
 * allocating KB kilobytes in 64-byte arrays right before startHandshake).
 *
 * Ingredients: 1 DIAL Dialer.connect (lookup, socket options) instead of new Socket + connect + options;
 * 2 CTX TlsKit's SSLContext (ReportingTrustManager, PolicyKeyManager) instead of the PKIX one;
 * 4 PARAMS per connection getSSLParameters + policy.applyTo + SNI (sniFor) + set, instead of one fixed SSLParameters;
 * 8 GUARDS before the handshake: ProviderHook.configure, holdWriteFailures, watchServerFlight (KeyExchangeSniffer);
 * 128 GUARDS_POST after it: ProviderHook.check, certificateRequested look-up, heldWriteFailure check, protocol,
 *   holdWriteFailures(false), read timeout, ALPN check;
 * 512 FRESH (with PARAMS) the policy applied to a new SSLParameters() instead of the socket's own (experiment);
 * 1024 TWICE (with DESCRIBE) SecurityInfos.describe a second time (what it costs once its data are in cache);
 * 16 DESCRIBE SecurityInfos.describe; 256 REPORT the report look-ups before it (takeReport, reportOf);
 * 32 CONN a TlsConnection (LineInput, GrowingOutput, TlsEndWatch, TlsWriteWatch) for the streams;
 * 64 CLOSE Closing.flushThenClose (TlsConnection.close) instead of out.flush + shutdownOutput + close.
 *
 * Per connection: client thread CPU by phase (tcp: connect + TransportSocket; setup: SSLSocket + parameters + guards;
 * hs: startHandshake alone; post: checks, describe, streams; ping; close), the server's threads (virtual-thread
 * carriers + accept loop), all threads, bytes allocated by the process and by the client thread.
 * Usage: ClientLadder full|resumed WARM N VARIANT,VARIANT,... [BLOCK: each variant BLOCK connections in a row, the
 * last one of each block measured; default 1, taking turns]
 */
public class ClientLadder {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static final int DIAL = 1, CTX = 2, PARAMS = 4, GUARDS = 8, DESCRIBE = 16, CONN = 32, CLOSE = 64, GUARDS_POST = 128, REPORT = 256, FRESH = 512, TWICE = 1024;
  static final Duration T30 = Duration.ofSeconds(30);
  static Object sink;

  public static void main(String[] a) throws Exception {
    boolean resumed = a[0].equals("resumed");
    int warm = Integer.parseInt(a[1]), n = Integer.parseInt(a[2]);
    String[] vs = a[3].split(",");
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    char[] pw = "bench".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12"); keys.load(null, null);
    keys.setKeyEntry("server", pki.leaf().privateKey(), pw, pki.leaf().chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()); kmf.init(keys, pw);
    SSLContext sc = SSLContext.getInstance("TLS", "SunJSSE"); sc.init(kmf.getKeyManagers(), null, null);
    if (!resumed) sc.getServerSessionContext().setSessionTimeout((int) Duration.ofDays(8).toSeconds()); // no tickets
    SSLServerSocket l = (SSLServerSocket) sc.getServerSocketFactory().createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    SSLParameters sp = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    sp.setNamedGroups(new String[] {"x25519"}); sp.setUseCipherSuitesOrder(true); l.setSSLParameters(sp);
    Thread.ofPlatform().daemon().name("bench-jdk-accept").start(() -> { while (true) { try { Socket s = l.accept(); Thread.ofVirtual().start(() -> {
      try (s) { s.setTcpNoDelay(true); s.setSoTimeout(30000); BenchStacks.serve(s.getInputStream(), s.getOutputStream()); } catch (IOException e) {} }); } catch (IOException e) { return; } } });
    int port = l.getLocalPort();
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).protocols("TLSv1.3")
        .cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    // One TlsKit client per variant that uses its context (own session cache, as the raw variants each have theirs).
    TlsClient[] clients = new TlsClient[vs.length];
    SSLContext[] raw = new SSLContext[vs.length];
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    for (int v = 0; v < vs.length; v++) {
      clients[v] = TlsClient.builder().policy(policy).timeout(T30).build();
      raw[v] = SSLContext.getInstance("TLS", "SunJSSE"); raw[v].init(null, tmf.getTrustManagers(), null);
    }
    SSLParameters p = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    p.setNamedGroups(new String[] {"x25519"}); p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setServerNames(List.of(new SNIHostName("localhost")));
    int[] fpInts = new int[1 << 20]; // 4 MiB to read from
    final int PH = 6; // tcp, setup, hs, post, ping, close
    long[][][] s = new long[vs.length][PH + 5][n];
    long[] t = new long[PH + 1];
    int block = a.length > 4 ? Integer.parseInt(a[4]) : 1; // connections in a row per variant (1: taking turns)
    for (int i = 0; i < warm + n; i++) {
      for (int kb = 0; kb < vs.length * block; kb++) {
        int k = kb / block;
        int w = (i + k) % vs.length;
        String v = vs[w];
        if (i % 500 == 0 && kb == 0) refresh();
        TlsClient client = clients[w];
        long v0 = serverCpu(), p0 = allCpu(), pb0 = TM.getTotalThreadAllocatedBytes(), cb0 = TM.getCurrentThreadAllocatedBytes();
        t[0] = TM.getCurrentThreadCpuTime();
        InputStream in; OutputStream out; TlsConnection conn = null; SSLSocket ssl = null;
        int mask = v.startsWith("m") ? Integer.parseInt(v.substring(1)) : 0;
        if (v.equals("tls")) {
          conn = client.connectTls("127.0.0.1", port, "localhost");
          t[1] = t[2] = t[3] = TM.getCurrentThreadCpuTime();
          in = conn.input(); out = conn.output();
        } else {
          Socket plain;
          if ((mask & DIAL) != 0) {
            plain = Dialer.connect("127.0.0.1", port, null, T30, T30, false);
          } else {
            plain = new Socket();
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30000);
            plain.setTcpNoDelay(true); plain.setSoTimeout(30000);
          }
          TransportSocket ts = new TransportSocket(plain, T30);
          t[1] = TM.getCurrentThreadCpuTime();
          SSLContext ctx = (mask & CTX) != 0 ? client.sslContext() : raw[w];
          ssl = (SSLSocket) ctx.getSocketFactory().createSocket(ts, "localhost", port, true);
          if ((mask & PARAMS) != 0) {
            SSLParameters prm = (mask & FRESH) != 0 ? new SSLParameters() : ssl.getSSLParameters();
            policy.applyTo(prm);
            if ((mask & CTX) == 0) prm.setEndpointIdentificationAlgorithm("HTTPS");
            SNIHostName sni = LadderAccess.sni(client, "localhost");
            prm.setServerNames(sni == null ? List.of() : List.of(sni));
            ssl.setSSLParameters(prm);
          } else {
            ssl.setSSLParameters(p);
          }
          KeyExchangeSniffer flight = null;
          if ((mask & GUARDS) != 0) {
            ProviderHook.configure(policy, ssl);
            ssl.setSoTimeout(30000);
            ts.holdWriteFailures(true);
            flight = ts.watchServerFlight(true);
          } else {
            ssl.setSoTimeout(30000);
          }
          if (v.startsWith("fp")) { int size = Integer.parseInt(v.substring(2)); int sum = 0; for (int j = 0; j < size * 256; j += 16) sum += fpInts[j]; sink = sum; }
          if (v.startsWith("al")) { int size = Integer.parseInt(v.substring(2)); Object[] keep = new Object[size * 16]; for (int j = 0; j < keep.length; j++) keep[j] = new byte[48]; sink = keep; }
          t[2] = TM.getCurrentThreadCpuTime();
          ssl.startHandshake();
          t[3] = TM.getCurrentThreadCpuTime();
          boolean certReq = false;
          if ((mask & GUARDS_POST) != 0) {
            ProviderHook.check(policy, ssl);
            PolicyKeyManager km = (mask & CTX) != 0 ? KMS.computeIfAbsent(client, ClientLadder::km) : null;
            certReq = km != null && km.certificateRequested(ssl);
            IOException held = ts.heldWriteFailure();
            if (held != null) throw held;
            boolean mayRefuse = certReq && "TLSv1.3".equals(ssl.getSession().getProtocol());
            if (!mayRefuse) ts.holdWriteFailures(false);
            ssl.setSoTimeout(30000);
            String sel = ssl.getApplicationProtocol();
            if (sel != null && !sel.isEmpty() && !policy.alpn().contains(sel)) throw new IOException("alpn");
          }
          SecurityInfo info = null;
          if ((mask & DESCRIBE) != 0) {
            ReportingTrustManager tm = (mask & CTX) != 0 ? TMS.computeIfAbsent(client, ClientLadder::tm) : null;
            ValidationReport report = null;
            boolean res = true;
            if ((mask & REPORT) != 0) {
              report = tm == null ? null : tm.takeReport(ssl);
              res = false;
              if (report == null) { res = true; report = ReportingTrustManager.reportOf(ssl.getSession()); }
            }
            info = SecurityInfos.describe(ssl, policy, true, new SecurityInfos.Facts("localhost", true, res, certReq, flight), report, true);
            if ((mask & TWICE) != 0) info = SecurityInfos.describe(ssl, policy, true, new SecurityInfos.Facts("localhost", true, res, certReq, flight), report, true);
          }
          if ((mask & CONN) != 0) {
            conn = LadderAccess.connection(ssl, "localhost", info, client, ts);
            in = conn.input(); out = conn.output();
          } else {
            in = ssl.getInputStream(); out = ssl.getOutputStream();
          }
        }
        t[4] = TM.getCurrentThreadCpuTime();
        out.write('P'); out.flush();
        if (in.read() != 'p') throw new IOException("no pong");
        t[5] = TM.getCurrentThreadCpuTime();
        if (conn != null && (v.equals("tls") || (mask & CLOSE) != 0)) conn.close();
        else if ((mask & CLOSE) != 0) Closing.flushThenClose(out, ssl);
        else if (v.equals("old")) { out.flush(); ssl.close(); }
        else { out.flush(); ssl.shutdownOutput(); ssl.close(); }
        t[6] = TM.getCurrentThreadCpuTime();
        LockSupport.parkNanos(200_000);
        long cb1 = TM.getCurrentThreadAllocatedBytes(), pb1 = TM.getTotalThreadAllocatedBytes(), p1 = allCpu(), v1 = serverCpu();
        if (i >= warm && kb % block == block - 1) {
          int j = i - warm;
          for (int q = 0; q < PH; q++) s[w][q][j] = t[q + 1] - t[q];
          s[w][PH][j] = t[6] - t[0]; s[w][PH + 1][j] = v1 - v0; s[w][PH + 2][j] = p1 - p0; s[w][PH + 3][j] = pb1 - pb0; s[w][PH + 4][j] = cb1 - cb0;
        }
      }
    }
    System.out.printf(Locale.ROOT, "%s handshakes, %d connections per client variant taking turns after %d of warm-up, one raw JDK server; median (mean)%n", a[0], n, warm);
    System.out.printf(Locale.ROOT, "%-6s | %-13s %-13s %-13s %-13s %-13s %-13s | %-15s | %-15s | %-15s | %-15s | %-13s%n", "var", "tcp", "setup", "hs", "post", "ping", "close", "client total", "server thr", "all threads", "bytes process", "bytes client");
    for (int w = 0; w < vs.length; w++) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-6s |", vs[w]));
      for (int q = 0; q < PH; q++) b.append(' ').append(String.format(Locale.ROOT, "%-13s", us(s[w][q])));
      b.append(" | ").append(String.format(Locale.ROOT, "%-15s", us(s[w][PH]))).append(" | ").append(String.format(Locale.ROOT, "%-15s", us(s[w][PH + 1])))
       .append(" | ").append(String.format(Locale.ROOT, "%-15s", us(s[w][PH + 2]))).append(" | ").append(String.format(Locale.ROOT, "%-15s", by(s[w][PH + 3]))).append(" | ").append(by(s[w][PH + 4]));
      System.out.println(b);
    }
    System.exit(0);
  }
  static final Map<TlsClient, PolicyKeyManager> KMS = new IdentityHashMap<>();
  static final Map<TlsClient, ReportingTrustManager> TMS = new IdentityHashMap<>();
  static PolicyKeyManager km(TlsClient c) { try { return LadderAccess.keyManager(c); } catch (Exception e) { throw new RuntimeException(e); } }
  static ReportingTrustManager tm(TlsClient c) { try { return LadderAccess.trustManager(c); } catch (Exception e) { throw new RuntimeException(e); } }
  static long[] server = new long[0];
  static void refresh() { server = Arrays.stream(TM.getThreadInfo(TM.getAllThreadIds())).filter(Objects::nonNull).filter(t -> t.getThreadName().startsWith("ForkJoinPool") || t.getThreadName().contains("accept")).mapToLong(ThreadInfo::getThreadId).toArray(); }
  static long serverCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(server)) if (t > 0) sum += t; return sum; }
  static long allCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(TM.getAllThreadIds())) if (t > 0) sum += t; return sum; }
  static String us(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%.1f (%.1f)", v[v.length / 2] / 1e3, Arrays.stream(v).average().orElse(0) / 1e3); }
  static String by(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%d (%.0f)", v[v.length / 2], Arrays.stream(v).average().orElse(0)); }
}
