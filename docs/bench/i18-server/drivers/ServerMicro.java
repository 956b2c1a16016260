import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.concurrent.Threads;
import dev.tlskit.internal.io.LineInput;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.server.*;
import java.io.*;
import java.lang.reflect.*;
import java.net.*;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.*;
import javax.net.ssl.*;

/**
 * Hot-loop cost (CPU ns and bytes per call, 200,000 calls, third of three rounds) of the per-connection pieces of
 * TlsServer's path that can be run without a handshake, beside the layered raw server's own (ladder step 1).
 * Usage: ServerMicro
 */
public class ServerMicro {
  static volatile Object sink;
  public static void main(String[] a) throws Exception {
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    char[] pw = "bench".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12"); keys.load(null, null);
    keys.setKeyEntry("server", pki.leaf().privateKey(), pw, pki.leaf().chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()); kmf.init(keys, pw);
    SSLContext sc = SSLContext.getInstance("TLS", "SunJSSE"); sc.init(kmf.getKeyManagers(), null, null);
    SSLSocketFactory f = sc.getSocketFactory();
    SSLParameters sp = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    sp.setNamedGroups(new String[] {"x25519"}); sp.setUseCipherSuitesOrder(true);
    TlsPolicy policy = TlsPolicy.builder().protocols("TLSv1.3").cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsServer.Builder builder = TlsServer.builder(c -> {}, ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
        .policy(policy).sessionResumption(true).handshakeTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ofSeconds(30));
    Field df = TlsServer.Builder.class.getDeclaredField("draft"); df.setAccessible(true);
    Object draft = df.get(builder);
    ServerConfig config = (ServerConfig) draft.getClass().getMethod("resolve").invoke(draft);
    Method hm = TlsServer.class.getDeclaredMethod("handshake", ServerConfig.class); hm.setAccessible(true);
    ServerHandshake h = (ServerHandshake) hm.invoke(null, config);
    ServerSocket l = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Socket client = new Socket(InetAddress.getLoopbackAddress(), l.getLocalPort());
    Socket raw = l.accept();
    Admission adm = new Admission(100_000, 100_000);
    LongAdder counter = new LongAdder();
    IOException ended = new SocketException("Connection reset");
    Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
    cases.put("step 1: layered SSLSocket + setSSLParameters", () -> { try { SSLSocket s = (SSLSocket) f.createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true); s.setUseClientMode(false); s.setSSLParameters(sp); return s; } catch (IOException e) { throw new UncheckedIOException(e); } });
    cases.put("ServerHandshake.attempt (all of it)", () -> { try { return h.attempt(raw, () -> {}); } catch (IOException e) { throw new UncheckedIOException(e); } });
    cases.put("TransportSocket + guard + sniffer", () -> { try { TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(30), in -> new RenegotiationGuard(in, () -> {})); t.watchServerFlight(false); return t; } catch (IOException e) { throw new UncheckedIOException(e); } });
    cases.put("policy.sslParameters()", () -> policy.sslParameters());
    cases.put("SocketDeadline start + cancel", () -> { SocketDeadline d = SocketDeadline.start(Threads.watchdog(), raw, 30_000_000_000L); d.cancel(); return d; });
    cases.put("Admission admit + secure + release", () -> { Admission.Slot s = adm.admit(raw).admitted(); s.secure(); s.release(); return s; });
    cases.put("virtual thread, named + handler (unstarted)", () -> Thread.ofVirtual().name("tlskit-connection-" + counter.sum()).uncaughtExceptionHandler((t, e) -> {}).unstarted(() -> {}));
    cases.put("virtual thread, plain (unstarted)", () -> Thread.ofVirtual().unstarted(() -> {}));
    cases.put("ServerConnection streams (LineInput, counting, BOS)", () -> { try { sink = new BufferedOutputStream(CountingStreams.out(raw.getOutputStream(), counter)); return new LineInput(CountingStreams.in(raw.getInputStream(), counter), 16 * 1024); } catch (IOException e) { throw new UncheckedIOException(e); } });
    cases.put("DEBUG message built (connection ended)", () -> "connection from " + raw.getRemoteSocketAddress() + " ended: " + ended);
    cases.put("LOG.log(DEBUG, message built, e), DEBUG off", () -> { ServerEvents.LOG.log(System.Logger.Level.DEBUG, "connection from " + raw.getRemoteSocketAddress() + " ended: " + ended, ended); return raw; });
    cases.put("LOG.log(DEBUG, supplier, e), DEBUG off", () -> { ServerEvents.LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + raw.getRemoteSocketAddress() + " ended: " + ended, ended); return raw; });
    cases.put("DEBUG isLoggable check", () -> ServerEvents.LOG.isLoggable(System.Logger.Level.DEBUG));
    com.sun.management.ThreadMXBean tm = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 3; round++) {
      for (var e : cases.entrySet()) {
        int n = 200_000;
        long b0 = tm.getCurrentThreadAllocatedBytes(); long t0 = tm.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) sink = e.getValue().get();
        long t1 = tm.getCurrentThreadCpuTime(); long b1 = tm.getCurrentThreadAllocatedBytes();
        if (round == 2) System.out.printf(Locale.ROOT, "%-52s %8.0f ns %7d B%n", e.getKey(), (t1 - t0) / (double) n, (b1 - b0) / n);
      }
    }
    System.exit(0);
  }
}
