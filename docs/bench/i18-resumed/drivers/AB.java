import dev.tlskit.bench.stacks.BenchMeasure;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import java.util.*;

/** A/B of a static switch in one JVM: AB.java FIELD-CLASS FIELD KIND PAIRINGS(tt,jt) SLICE-MS ROUNDS WARMUP-S */
public class AB {
  public static void main(String[] a) throws Exception {
    var field = Class.forName(a[0]).getField(a[1]);
    boolean resumed = a[2].equals("resumed");
    String[] pairings = a[3].split(",");
    long slice = Long.parseLong(a[4]); int rounds = Integer.parseInt(a[5]); long warm = Long.parseLong(a[6]) * 1000;
    var s = new BenchStacks.Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    for (String p : pairings) {
      var stack = BenchStacks.mixed(pki, s, resumed, p.charAt(0) == 't', p.charAt(1) == 't');
      for (int w = 0; w < 4; w++) { field.set(null, w % 2 == 0); BenchMeasure.handshakes(stack, warm / 4); }
      Map<Boolean, List<double[]>> res = new HashMap<>();
      for (int r = 0; r < rounds; r++) {
        boolean[] order = r % 2 == 0 ? new boolean[] {false, true, true, false} : new boolean[] {true, false, false, true};
        for (boolean on : order) {
          field.set(null, on);
          var cs0 = BenchMeasure.threadContextSwitches(); var c0 = BenchMeasure.threadCpuSeconds();
          var smp = BenchMeasure.handshakes(stack, slice);
          var c1 = BenchMeasure.threadCpuSeconds(); var cs1 = BenchMeasure.threadContextSwitches();
          double n = smp.units();
          double client = (c1.getOrDefault("java", 0.0) - c0.getOrDefault("java", 0.0)) * 1000 / n;
          double carriers = 0; for (var e : c1.entrySet()) if (e.getKey().startsWith("ForkJoinPool")) carriers += e.getValue() - c0.getOrDefault(e.getKey(), 0.0);
          long sw = 0; for (var e : cs1.entrySet()) sw += e.getValue() - cs0.getOrDefault(e.getKey(), 0L);
          res.computeIfAbsent(on, k -> new ArrayList<>()).add(new double[] {smp.rate(), smp.cpuSeconds() * 1000 / n, (smp.cpuSeconds() - smp.jitCpuSeconds()) * 1000 / n, client, carriers * 1000 / n, sw / n});
        }
      }
      stack.close();
      for (boolean on : new boolean[] {false, true}) {
        List<double[]> l = res.get(on);
        double[] med = new double[6];
        for (int k = 0; k < 6; k++) { final int kk = k; double[] v = l.stream().mapToDouble(x -> x[kk]).sorted().toArray(); med[k] = (v[(v.length - 1) / 2] + v[v.length / 2]) / 2; }
        System.out.printf(Locale.ROOT, "%s %s %s=%-5s median of %d slices: %.0f hs/s, process %.3f ms/hs (without JIT %.3f), client thread %.3f, carriers %.3f, context switches %.2f/hs%n",
            a[2], p, a[1], on, l.size(), med[0], med[1], med[2], med[3], med[4], med[5]);
      }
    }
    System.exit(0);
  }
}
