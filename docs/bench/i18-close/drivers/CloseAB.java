import java.lang.management.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * A/B in one JVM for the path where the server closes first: two builds (lib dirs A and B, each with CloseSide in its
 * own class loader) taking turns connection by connection, the order shuffled each round. Per connection: all
 * threads' CPU, the server's threads (virtual-thread carriers + accept loop), process bytes, and the server's close
 * time (handler return to closed()). Medians (means). Usage: CloseAB LIB_A LIB_B DRIVER_CLASSES KIND WARM N [SEED]
 * (LIB_A = LIB_B for an A/A control).
 */
public class CloseAB {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @SuppressWarnings("unchecked")
  public static void main(String[] a) throws Exception {
    String kind = a[3];
    int warm = Integer.parseInt(a[4]), n = Integer.parseInt(a[5]);
    Random rnd = new Random(a.length > 6 ? Long.parseLong(a[6]) : 1);
    Callable<long[]>[] sides = new Callable[2];
    for (int i = 0; i < 2; i++) {
      ClassLoader l = loader(a[i], a[2]);
      sides[i] = (Callable<long[]>) l.loadClass("CloseSide").getConstructor(String.class).newInstance(kind);
    }
    long[][][] s = new long[2][4][n];
    for (int c = 0; c < warm + n; c++) {
      int first = rnd.nextInt(2);
      for (int k = 0; k < 2; k++) {
        int i = (first + k) % 2;
        if ((c % 500 == 0 || c == warm) && k == 0) refreshServerThreads();
        long v0 = serverCpu(), p0 = allCpu(), b0 = TM.getTotalThreadAllocatedBytes();
        long[] r = sides[i].call();
        LockSupport.parkNanos(200_000);
        long b1 = TM.getTotalThreadAllocatedBytes(), p1 = allCpu(), v1 = serverCpu();
        if (c >= warm) { int j = c - warm; s[i][0][j] = p1 - p0; s[i][1][j] = v1 - v0; s[i][2][j] = b1 - b0; s[i][3][j] = r[0]; }
      }
    }
    for (Callable<long[]> side : sides) ((AutoCloseable) side).close();
    System.out.printf(Locale.ROOT, "kind %s, %d connections per build taking turns (shuffled) after %d each of warm-up; median (mean)%n", kind, n, warm);
    String[] names = {"A", "B"};
    for (int i = 0; i < 2; i++) {
      System.out.printf(Locale.ROOT, "%s process CPU %s us | server threads %s us | process bytes %s | server close (handler end -> closed()) %s us, p99 %.1f us, max %.1f us%n",
          names[i], us(s[i][0]), us(s[i][1]), by(s[i][2]), us(s[i][3]), pct(s[i][3], 0.99) / 1e3, pct(s[i][3], 1.0) / 1e3);
    }
    System.out.printf(Locale.ROOT, "B - A medians: process %.1f us, server threads %.1f us, bytes %d, server close %.1f us%n",
        (med(s[1][0]) - med(s[0][0])) / 1e3, (med(s[1][1]) - med(s[0][1])) / 1e3, med(s[1][2]) - med(s[0][2]), (med(s[1][3]) - med(s[0][3])) / 1e3);
    System.exit(0);
  }

  static ClassLoader loader(String dir, String classes) throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(Path.of(classes).toUri().toURL());
    try (var st = Files.list(Path.of(dir))) { for (Path p : st.sorted().toList()) if (p.toString().endsWith(".jar")) urls.add(p.toUri().toURL()); }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }
  static long[] serverThreads = new long[0];
  static void refreshServerThreads() {
    serverThreads = Arrays.stream(TM.getThreadInfo(TM.getAllThreadIds())).filter(Objects::nonNull)
        .filter(t -> t.getThreadName().startsWith("ForkJoinPool") || t.getThreadName().contains("accept"))
        .mapToLong(ThreadInfo::getThreadId).toArray();
  }
  static long serverCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(serverThreads)) if (t > 0) sum += t; return sum; }
  static long allCpu() { long sum = 0; for (long t : TM.getThreadCpuTime(TM.getAllThreadIds())) if (t > 0) sum += t; return sum; }
  static long med(long[] x) { long[] v = x.clone(); Arrays.sort(v); return v[v.length / 2]; }
  static double pct(long[] x, double p) { long[] v = x.clone(); Arrays.sort(v); return v[Math.min(v.length - 1, (int) (p * v.length))]; }
  static String us(long[] x) { return String.format(Locale.ROOT, "%.1f (%.1f)", med(x) / 1e3, Arrays.stream(x).average().orElse(0) / 1e3); }
  static String by(long[] x) { return String.format(Locale.ROOT, "%d (%.0f)", med(x), Arrays.stream(x).average().orElse(0)); }
}
