package dev.tlskit.cli;

import dev.tlskit.bench.stacks.BenchMeasure;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.Pki;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import dev.tlskit.certs.KeyType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An A/A/A/A check of {@code tlskit bench --control}'s design: four raw JDK stacks in the four roles (TlsKit, JDK,
 * native, control), created in tlskit bench's order (TlsKit's role first, then JDK, native, control), warmed up the
 * same way, measured in the same balanced order. Every ratio to the JDK role should then be 1 within the noise; a
 * role that comes out below 1 in every figure would be a bias of the design (its position or its place in the
 * creation order), not of a stack. Run on the class path (package dev.tlskit.cli for SliceOrder and RoundStats):
 * java -cp tlskit-cli/target/classes:tlskit-cli/target/lib/*:. dev.tlskit.cli.AaControl ROUNDS SECONDS SIZE...
 */
public final class AaControl {
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    double seconds = Double.parseDouble(args[1]);
    long slice = Math.round(seconds * 500 / rounds);
    Settings s = new Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
    Pki pki = Pki.create(s.keyType());
    String[] roles = {"T-role", "J-role", "N-role", "C-role"}; // creation order, as in tlskit bench
    List<Stack> stacks = new ArrayList<>();
    for (String r : roles) stacks.add(BenchStacks.jdk(pki, s, false));
    Map<Stack, String> name = new IdentityHashMap<>();
    for (int i = 0; i < roles.length; i++) name.put(stacks.get(i), roles[i]);
    Stack t = stacks.get(0), j = stacks.get(1), n = stacks.get(2), c = stacks.get(3);
    for (Stack x : stacks) {
      BenchMeasure.throughput(x, 16384, 1000);
      BenchMeasure.handshakes(x, 1000);
    }
    List<String> figures = new ArrayList<>();
    for (int i = 2; i < args.length; i++) figures.add(args[i]);
    for (String figure : figures) {
      boolean hs = figure.equals("full");
      if (hs) BenchMeasure.settleHandshakes(stacks, 1000, 60_000, 0.05);
      Map<Stack, List<Double>> ratios = new IdentityHashMap<>();
      for (int r = 0; r < rounds; r++) {
        Map<Stack, List<Double>> rates = new IdentityHashMap<>();
        for (Stack x : SliceOrder.balanced(List.of(t, n, c, j), r)) {
          BenchMeasure.Sample sample = hs ? BenchMeasure.handshakes(x, slice)
              : BenchMeasure.throughput(x, Integer.parseInt(figure), slice);
          rates.computeIfAbsent(x, k -> new ArrayList<>()).add(sample.rate());
        }
        double jr = mean(rates.get(j));
        for (Stack x : List.of(t, n, c)) ratios.computeIfAbsent(x, k -> new ArrayList<>()).add(mean(rates.get(x)) / jr);
      }
      StringBuilder line = new StringBuilder(figure + (hs ? " handshakes" : " B") + ", " + rounds + " rounds:");
      for (Stack x : List.of(t, n, c)) {
        List<Double> v = ratios.get(x);
        RoundStats.Interval ci = RoundStats.medianInterval(v);
        long below = v.stream().filter(d -> d < 1).count();
        line.append(String.format(Locale.ROOT, "  %s / J-role median %.3f [%.3f-%.3f] %d/%d<1;", name.get(x),
            RoundStats.median(v), ci.low(), ci.high(), below, v.size()));
      }
      System.out.println(line);
    }
    for (Stack x : stacks) x.close();
  }

  private static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }
}
