import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.*;
import dev.tlskit.certs.KeyType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.*;
import java.util.concurrent.locks.LockSupport;

/** Does the server's CPU depend on the client's timing? raw->raw with and without a busy spin on the client. */
public class Spin {
  static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static long all() { long s = 0; for (long t : TM.getThreadCpuTime(TM.getAllThreadIds())) if (t > 0) s += t; return s; }
  static void spin(long nanos) { long t = TM.getCurrentThreadCpuTime(); while (TM.getCurrentThreadCpuTime() - t < nanos) { } }
  public static void main(String[] a) throws Exception {
    long spinNanos = Long.parseLong(a[0]); int n = Integer.parseInt(a[1]); int warm = Integer.parseInt(a[2]);
    boolean tlsServer = a.length > 3 && a[3].equals("t");
    var s = new Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
    var pki = Pki.create(KeyType.EC_P256);
    BenchStacks.Stack[] st = {BenchStacks.mixed(pki, s, true, false, tlsServer), BenchStacks.mixed(pki, s, true, false, tlsServer), BenchStacks.mixed(pki, s, true, true, tlsServer)};
    long[][] proc = new long[3][n]; long[][] cl = new long[3][n];
    for (int c = 0; c < warm + n; c++) {
      for (int k = 0; k < 3; k++) {
        int i = (c + k) % 3;
        long p0 = all(), t0 = TM.getCurrentThreadCpuTime();
        Link l = st[i].connect();
        if (i == 1) spin(spinNanos);
        l.out().write('P'); l.out().flush(); if (l.in().read() != 'p') throw new IOException();
        l.close();
        long t1 = TM.getCurrentThreadCpuTime();
        LockSupport.parkNanos(200_000);
        if (c >= warm) { proc[i][c - warm] = all() - p0; cl[i][c - warm] = t1 - t0; }
      }
    }
    String[] names = {"raw client", "raw client + spin " + spinNanos / 1000 + " us after handshake", "TlsKit client"};
    for (int i = 0; i < 3; i++) {
      long[] p = proc[i].clone(); Arrays.sort(p); long[] q = cl[i].clone(); Arrays.sort(q);
      System.out.printf(Locale.ROOT, "%-40s -> %s server: process %.1f (%.1f) us, client thread %.1f (%.1f) us, others %.1f (mean)%n", names[i], tlsServer ? "Tls" : "JDK",
          p[n / 2] / 1e3, Arrays.stream(p).average().getAsDouble() / 1e3, q[n / 2] / 1e3, Arrays.stream(q).average().getAsDouble() / 1e3,
          (Arrays.stream(p).average().getAsDouble() - Arrays.stream(q).average().getAsDouble()) / 1e3);
    }
    System.exit(0);
  }
}
