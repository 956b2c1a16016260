import java.io.*;
import java.lang.management.*;
import java.lang.reflect.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.locks.LockSupport;

/**
 * A/B in one JVM: two builds of TlsKit (lib dirs A and B, each in its own class loader) and their pairings taking
 * turns connection by connection (order rotated), as HandshakeAlternation does for one build. Pairings: A:TT
 * (TlsKit client -> TlsServer of build A), B:TJ, A:JJ, ... Per connection: all threads' CPU, client thread's
 * connect+handshake CPU, process bytes, client thread bytes. Medians (means).
 * Usage: ABAlternation LIB_A LIB_B full|resumed WARM N PAIRING...
 */
public class ABAlternation {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  record Side(Object stackObj, Method connect, Method in, Method out, Method close, Method stackClose) {}

  public static void main(String[] a) throws Exception {
    Map<String, ClassLoader> loaders = new HashMap<>();
    loaders.put("A", loader(a[0])); loaders.put("B", loader(a[1]));
    boolean resumed = a[2].equals("resumed"); int warm = Integer.parseInt(a[3]), n = Integer.parseInt(a[4]);
    String[] pairs = Arrays.copyOfRange(a, 5, a.length);
    Side[] sides = new Side[pairs.length];
    Map<String, Object> pkis = new HashMap<>();
    for (int i = 0; i < pairs.length; i++) {
      String[] p = pairs[i].split(":");
      ClassLoader l = loaders.get(p[0]);
      Class<?> bs = l.loadClass("dev.tlskit.bench.stacks.BenchStacks");
      Class<?> kt = l.loadClass("dev.tlskit.certs.KeyType");
      Class<?> pkiC = l.loadClass("dev.tlskit.bench.stacks.BenchStacks$Pki");
      Class<?> setC = l.loadClass("dev.tlskit.bench.stacks.BenchStacks$Settings");
      Object ec = Enum.valueOf((Class) kt, "EC_P256");
      Object pki = pkis.computeIfAbsent(p[0], k -> { try { return pkiC.getMethod("create", kt).invoke(null, ec); } catch (Exception e) { throw new RuntimeException(e); } });
      Object settings = setC.getConstructors()[0].newInstance("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", ec, null);
      Object stack = bs.getMethod("mixed", pkiC, setC, boolean.class, boolean.class, boolean.class)
          .invoke(null, pki, settings, resumed, p[1].charAt(0) == 'T', p[1].charAt(1) == 'T');
      Class<?> stackI = l.loadClass("dev.tlskit.bench.stacks.BenchStacks$Stack");
      Class<?> linkI = l.loadClass("dev.tlskit.bench.stacks.BenchStacks$Link");
      sides[i] = new Side(stack, stackI.getMethod("connect"), linkI.getMethod("in"), linkI.getMethod("out"), Closeable.class.getMethod("close"), Closeable.class.getMethod("close"));
    }
    long[][][] s = new long[pairs.length][8][n];
    for (int c = 0; c < warm + n; c++) {
      for (int k = 0; k < pairs.length; k++) {
        int i = (c + k) % pairs.length;
        Side side = sides[i];
        if (c % 500 == 0 && k == 0) refreshServerThreads();
        long v0 = serverCpu();
        long p0 = allCpu(), pb0 = TM.getTotalThreadAllocatedBytes(), cb0 = TM.getCurrentThreadAllocatedBytes();
        long t0 = TM.getCurrentThreadCpuTime();
        Object link = side.connect().invoke(side.stackObj());
        long t1 = TM.getCurrentThreadCpuTime();
        OutputStream out = (OutputStream) side.out().invoke(link); InputStream in = (InputStream) side.in().invoke(link);
        out.write('P'); out.flush();
        if (in.read() != 'p') throw new IOException("no pong");
        long t2 = TM.getCurrentThreadCpuTime();
        ((Closeable) link).close();
        long t3 = TM.getCurrentThreadCpuTime();
        LockSupport.parkNanos(200_000);
        long cb1 = TM.getCurrentThreadAllocatedBytes(), pb1 = TM.getTotalThreadAllocatedBytes(), p1 = allCpu();
        long v1 = serverCpu();
        if (c >= warm) { int j = c - warm; s[i][0][j] = p1 - p0; s[i][1][j] = t1 - t0; s[i][2][j] = pb1 - pb0; s[i][3][j] = cb1 - cb0; s[i][4][j] = t2 - t1; s[i][5][j] = t3 - t2; s[i][6][j] = (p1 - p0) - (t3 - t0); s[i][7][j] = v1 - v0; }
      }
    }
    for (Side side : sides) ((Closeable) side.stackObj()).close();
    System.out.printf(Locale.ROOT, "%s handshakes, %d connections per pairing taking turns after %d each of warm-up; median (mean)%n", a[2], n, warm);
    for (int i = 0; i < pairs.length; i++) {
      System.out.printf(Locale.ROOT, "%-5s process CPU %s us | client connect+handshake %s, ping %s, close %s us | other threads %s us (carriers + accept %s) | process bytes %s | client bytes %s%n",
          pairs[i], us(s[i][0]), us(s[i][1]), us(s[i][4]), us(s[i][5]), us(s[i][6]), us(s[i][7]), by(s[i][2]), by(s[i][3]));
    }
    System.exit(0);
  }
  static ClassLoader loader(String dir) throws Exception {
    List<URL> urls = new ArrayList<>();
    try (var st = Files.list(Path.of(dir))) { for (Path p : st.sorted().toList()) if (p.toString().endsWith(".jar")) urls.add(p.toUri().toURL()); }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }
  static long[] serverThreads = new long[0];
  /** The virtual threads' carriers and the accept loops: where both servers do their work. */
  static void refreshServerThreads() {
    serverThreads = Arrays.stream(TM.getThreadInfo(TM.getAllThreadIds())).filter(Objects::nonNull)
        .filter(t -> t.getThreadName().startsWith("ForkJoinPool") || t.getThreadName().contains("accept"))
        .mapToLong(ThreadInfo::getThreadId).toArray();
  }
  static long serverCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(serverThreads)) if (t > 0) sum += t; return sum; }
  static long allCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(TM.getAllThreadIds())) if (t > 0) sum += t; return sum; }
  static String us(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%.1f (%.1f)", v[v.length / 2] / 1e3, Arrays.stream(v).average().orElse(0) / 1e3); }
  static String by(long[] x) { long[] v = x.clone(); Arrays.sort(v); return String.format(Locale.ROOT, "%d (%.0f)", v[v.length / 2], Arrays.stream(v).average().orElse(0)); }
}
