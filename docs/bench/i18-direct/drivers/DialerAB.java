import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.*;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.locks.LockSupport;

/**
 * A/B in one JVM: Dialer.connect of two builds of tlskit-core (class dirs A and B, each in its own class loader, plus
 * A again in a third loader as the A/A control) taking turns connect by connect (order rotated), to a loopback
 * server that accepts and waits for the client to close. Per connect (Dialer.connect + close): the client thread's CPU and allocated bytes.
 * Modes: plain (the JDK path: channel=false) and chan (the native path: channel=true). Medians (means) per round.
 * Usage: DialerAB DIR_A DIR_B WARM N ROUNDS [ONLY]; ONLY (e.g. "A plain") runs that one variant alone, for strace.
 */
public class DialerAB {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  public static void main(String[] a) throws Exception {
    String[] names = {"A", "B", "A'"};
    ClassLoader[] loaders = {loader(a[0]), loader(a[1]), loader(a[0])};
    int warm = Integer.parseInt(a[2]), n = Integer.parseInt(a[3]), rounds = Integer.parseInt(a[4]);
    ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (true) {
        try {
          Socket s = server.accept();
          Thread.ofVirtual().start(() -> { // until the client closes: TIME_WAIT on its side, reusable on loopback
            try (s) {
              s.getInputStream().read();
            } catch (Exception ignored) {
              // gone
            }
          });
        } catch (Exception e) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    String host = "127.0.0.1";
    int port = server.getLocalPort();
    Duration t = Duration.ofSeconds(5);
    List<Method> connects = new ArrayList<>();
    for (ClassLoader l : loaders) {
      Class<?> d = l.loadClass("dev.tlskit.internal.net.Dialer");
      connects.add(d.getMethod("connect", String.class, int.class, l.loadClass("dev.tlskit.ProxyConfig"),
          Duration.class, Duration.class, boolean.class));
    }
    System.out.printf(Locale.ROOT, "# %d connects per variant and mode per round taking turns after %d each of warm-up; "
        + "client thread CPU us and bytes per Dialer.connect + close, median (mean)%n", n, warm);
    for (int r = 0; r < rounds; r++) {
      int variants = connects.size() * 2;
      long[][] cpu = new long[variants][n], bytes = new long[variants][n];
      for (int c = 0; c < warm + n; c++) {
        for (int k = 0; k < variants; k++) {
          int i = (c + k) % variants;
          if (a.length > 5 && !a[5].equals(names[i / 2] + " " + (i % 2 == 1 ? "chan" : "plain"))) continue;
          Method m = connects.get(i / 2);
          boolean chan = i % 2 == 1;
          long b0 = TM.getCurrentThreadAllocatedBytes(), t0 = TM.getCurrentThreadCpuTime();
          Socket s = (Socket) m.invoke(null, host, port, null, t, t, chan);
          s.close();
          long t1 = TM.getCurrentThreadCpuTime(), b1 = TM.getCurrentThreadAllocatedBytes();
          if (c >= warm) { cpu[i][c - warm] = t1 - t0; bytes[i][c - warm] = b1 - b0; }
          LockSupport.parkNanos(100_000);
        }
      }
      for (int i = 0; i < variants; i++) {
        System.out.printf(Locale.ROOT, "round %d %-3s %-5s cpu %s us  bytes %s%n", r + 1, names[i / 2],
            i % 2 == 1 ? "chan" : "plain", us(cpu[i]), by(bytes[i]));
      }
    }
    System.exit(0);
  }

  static ClassLoader loader(String dir) throws Exception {
    return new URLClassLoader(new URL[] {Path.of(dir).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
  }

  static String us(long[] x) {
    long[] v = x.clone();
    Arrays.sort(v);
    return String.format(Locale.ROOT, "%.1f (%.1f)", v[v.length / 2] / 1e3, Arrays.stream(v).average().orElse(0) / 1e3);
  }

  static String by(long[] x) {
    long[] v = x.clone();
    Arrays.sort(v);
    return String.format(Locale.ROOT, "%d (%.0f)", v[v.length / 2], Arrays.stream(v).average().orElse(0));
  }
}
