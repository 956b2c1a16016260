import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.server.RenegotiationGuard;
import dev.tlskit.internal.server.ServerHandshake;
import dev.tlskit.internal.server.Admission;
import dev.tlskit.internal.server.Connections;
import dev.tlskit.internal.server.ServerConfig;
import dev.tlskit.internal.server.ServerEvents;
import dev.tlskit.internal.server.Upgrader;
import dev.tlskit.internal.concurrent.Threads;
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
 * Usage: ServerLadder WARM N VARIANTS(comma list of 0..15); -Dshuffle=1 shuffles the order every round
 * Step 6 of the i18-lean ladder split: 5 ServerTls.secure behind the ladder's own accept loop (unnamed virtual thread);
 * 6 the same with the handler on the TLS socket's own streams (what ServerConnection's streams and buffers cost);
 * 7 = 5 on a named virtual thread made as Acceptor makes it; 8 = 7 + Admission (admit on the accept thread, secure,
 * release) and the accepted count; 9 = TlsServer's Connections.serve (Setup.run: live set, deadline, events, slot,
 * drain notify) behind the ladder's accept loop doing what Acceptor does; 10 and 11 two TlsServers (A/A).
 * 12 a TlsServer whose handler returns right after its reply (the server closes first), 13 the same setting SO_TIMEOUT
 * to 0 before the close (the JDK then skips its wait for the client's close_notify), 14 the raw server returning
 * after its reply; 15 a TlsServer whose handler throws at the end (a connection that ends in an exception).
 * -Dpause=1: prints WARM-DONE after the warm-up and sleeps 4 s (to attach strace), sleeps 1 s after the last.
 */
public class ServerLadder {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static final String[] NAMES = {"raw SSLServerSocket", "plain accept + layered SSLSocket", "+ TransportSocket, guard, flight",
      "ServerHandshake.Attempt (no describe)", "ServerHandshake.Attempt + describe", "ServerTls.secure",
      "5, handler on the TLS socket's streams", "5 + named thread (Threads.startVirtual)", "7 + Admission, events.accepted",
      "Connections.serve (Setup.run), no Acceptor", "TlsServer", "TlsServer again (A/A)",
      "TlsServer, handler returns after 'p'", "12, SO_TIMEOUT 0 before the close", "raw SSLServerSocket, returns after 'p'",
      "TlsServer, handler throws at the end"};
  static final int V = NAMES.length;
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
    int[] ports = new int[V];
    for (int v : only) {
      if (v == 10 || v == 11) { ports[v] = builder.start().port(); continue; }
      if (v == 12 || v == 13) {
        boolean noWait = v == 13; // the JDK's close of a TLS 1.3 socket waits up to SO_TIMEOUT for one byte of the peer's
        ports[v] = TlsServer.builder(c -> { if (c.input().read() == 'P') { c.output().write('p'); c.output().flush(); }
              if (noWait) c.socket().setSoTimeout(0); },
            ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
          .policy(policy).sessionResumption(true).maxConnections(100_000).maxHandshakes(100_000).backlog(1024)
          .handshakeTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ofSeconds(30)).start().port();
        continue;
      }
      if (v == 15) { // a connection that ends in an exception (as one reset by its client does): Setup.run's DEBUG line
        ports[v] = TlsServer.builder(c -> { BenchStacks.serve(c.input(), c.output()); throw new SocketException("Connection reset"); },
            ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
          .policy(policy).sessionResumption(true).maxConnections(100_000).maxHandshakes(100_000).backlog(1024)
          .handshakeTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ofSeconds(30)).start().port();
        continue;
      }
      if (v == 14) {
        SSLContext sc = SSLContext.getInstance("TLS", "SunJSSE"); sc.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket l = (SSLServerSocket) sc.getServerSocketFactory().createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        l.setSSLParameters(sp);
        accept(l, raw -> { if (raw.getInputStream().read() == 'P') { raw.getOutputStream().write('p'); raw.getOutputStream().flush(); } });
        ports[v] = l.getLocalPort(); continue;
      }
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
        Object config = resolve(builder);
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
      } else if (v == 6) {
        ServerTls st = builder.buildServerTls();
        accept(l, raw -> { try (ServerConnection c = st.secure(raw)) { BenchStacks.serve(c.socket().getInputStream(), c.socket().getOutputStream()); } });
      } else if (v == 7 || v == 8) {
        ServerTls st = builder.buildServerTls();
        boolean admit = v == 8;
        Object config = resolve(builder);
        Admission adm = new Admission(100_000, 100_000);
        ServerEvents ev = new ServerEvents((ServerConfig) config, Threads.watchdog());
        java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
        Thread.ofPlatform().daemon().start(() -> { while (true) { try { Socket s = l.accept();
          Admission.Slot slot = admit ? adm.admit(s).admitted() : null;
          if (admit) ev.accepted();
          Threads.startVirtual("tlskit-connection-" + ids.incrementAndGet(), () -> {
            try { s.setTcpNoDelay(true); s.setSoTimeout(30000);
              try (ServerConnection c = st.secure(s)) { if (slot != null && !slot.secure()) throw new IOException("shed");
                BenchStacks.serve(c.input(), c.output()); }
            } catch (Exception e) { e.printStackTrace(); } finally { try { s.close(); } catch (IOException e) {} if (slot != null) slot.release(); } });
          } catch (IOException e) { return; } } });
      } else if (v == 9) {
        ServerConfig config = (ServerConfig) resolve(builder);
        Method hm = TlsServer.class.getDeclaredMethod("handshake", ServerConfig.class); hm.setAccessible(true);
        ServerHandshake h = (ServerHandshake) hm.invoke(null, config);
        Method om = ServerConnection.class.getDeclaredMethod("open", Socket.class, InetSocketAddress.class, Upgrader.class, boolean.class); om.setAccessible(true);
        java.lang.invoke.MethodHandle open = java.lang.invoke.MethodHandles.lookup().unreflect(om);
        Admission adm = new Admission(100_000, 100_000);
        ServerEvents ev = new ServerEvents(config, Threads.watchdog());
        Connections conns = new Connections(config, h, ev, adm, Threads.watchdog(), (raw, remote, up, tls) -> {
          try { return (ServerConnection) open.invokeExact(raw, remote, up, tls); }
          catch (IOException | RuntimeException e) { throw e; } catch (Throwable e) { throw new RuntimeException(e); } }, () -> false);
        java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
        Thread.ofPlatform().daemon().start(() -> { while (true) { try { Socket s = l.accept();
          Admission.Decision d = adm.admit(s);
          ev.accepted();
          Admission.Slot slot = d.admitted();
          Threads.startVirtual("tlskit-connection-" + ids.incrementAndGet(), () -> conns.serve(s, slot));
          } catch (IOException e) { return; } } });
      }
    }
    // the client: raw JDK, prepared parameters, connects itself
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    SSLContext[] ctx = new SSLContext[V]; // one client context per server: each has its own session
    SSLParameters p = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    p.setNamedGroups(new String[] {"x25519"}); p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setServerNames(List.of(new SNIHostName("localhost")));
    for (int v : only) { ctx[v] = SSLContext.getInstance("TLS", "SunJSSE"); ctx[v].init(null, tmf.getTrustManagers(), null); }
    long[][][] samples = new long[V][4][n]; int[] resumed = new int[V];
    boolean pause = System.getProperty("pause") != null;
    // -Dshuffle=1: a new random order every round (seeded), so no variant always follows the same one; else rotated
    boolean shuffle = System.getProperty("shuffle") != null; Random rnd = new Random(18);
    int[] order = only.clone();
    for (int i = 0; i < warm + n; i++) {
      if (shuffle) { for (int k = order.length - 1; k > 0; k--) { int j = rnd.nextInt(k + 1), t = order[k]; order[k] = order[j]; order[j] = t; } }
      if (pause && i == warm) { System.out.println("WARM-DONE"); System.out.flush(); Thread.sleep(4000); }
      for (int k = 0; k < only.length; k++) {
        int w = shuffle ? order[k] : only[(i + k) % only.length];
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
    if (pause) { System.out.println("MEASURED"); System.out.flush(); Thread.sleep(1000); }
    System.out.printf(Locale.ROOT, "%d connections per variant after %d of warm-up, taking turns; median (mean); resumed counts%n", n, warm);
    for (int v : only) {
      System.out.printf(Locale.ROOT, "%2d %-42s all threads %s us | all but client %s us | client %s us | process bytes %s | resumed %d%n",
          v, NAMES[v], us(samples[v][0]), us(samples[v][1]), us(samples[v][3]), by(samples[v][2]), resumed[v]);
    }
    System.exit(0);
  }

  static Object resolve(TlsServer.Builder builder) throws Exception {
    Field df = TlsServer.Builder.class.getDeclaredField("draft"); df.setAccessible(true);
    Object draft = df.get(builder);
    return draft.getClass().getMethod("resolve").invoke(draft);
  }

  static void accept(ServerSocket l, Conn c) {
    Thread.ofPlatform().daemon().start(() -> { while (true) { try { Socket s = l.accept(); Thread.ofVirtual().start(() -> {
      try { s.setTcpNoDelay(true); s.setSoTimeout(30000); c.serve(s); } catch (Exception e) { e.printStackTrace(); } finally { try { s.close(); } catch (IOException e) {} } }); } catch (IOException e) { return; } } });
  }
  static long allCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(TM.getAllThreadIds())) if (t > 0) sum += t; return sum; }
  static String us(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%.1f (%.1f)", v[v.length / 2] / 1e3, Arrays.stream(v).average().orElse(0) / 1e3); }
  static String by(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%d (%.0f)", v[v.length / 2], Arrays.stream(v).average().orElse(0)); }
}
