package dev.tlskit.cli;

import dev.tlskit.bench.stacks.BenchJson;
import dev.tlskit.bench.stacks.BenchMeasure;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.Pki;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import dev.tlskit.certs.KeyType;
import dev.tlskit.nativetls.NativeTls;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tlskit bench}: measures TlsKit against the raw JDK {@code SSLSocket} in one process, on loopback, with the
 * same key, protocol, suite and group, and prints the ratios. Each figure is the mean of two slices per stack taken
 * in the order TlsKit, JDK, JDK, TlsKit, so that a machine whose load drifts during the run favours neither; with
 * {@code --rounds N}, of N such rounds (every other one in the reverse order), each giving its own ratio. With
 * {@code --control}, a second raw JDK stack takes its own slices in the same rounds, in a balanced order
 * ({@link SliceOrder#balanced}), and its ratio to the first (JDK again / JDK) is the run's own A/A spread.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measures TlsKit socket throughput and handshake rate against the raw JDK SSLSocket on loopback.",
        "Both stacks run in this process with the same key, protocol, cipher suite and group; the ratios are what "
            + "count, the absolute numbers depend on the machine and its load."})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "3",
      description = "Seconds each stack is measured per figure (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
  Path json;

  @Option(names = "--quick", description = "Smoke test: one message size (16 KiB), full handshakes only, short "
      + "warm-up.")
  boolean quick;

  @Option(names = "--provider", paramLabel = "NAME", defaultValue = "jdk",
      description = "TLS provider for the TlsKit side: jdk, native (tlskit-native, BoringSSL) or conscrypt (needs "
          + "conscrypt-openjdk-uber on the class path). The baseline is always the JDK's SunJSSE. Default: "
          + "${DEFAULT-VALUE}.")
  String provider;

  @Option(names = "--protocol", paramLabel = "VERSION", defaultValue = "TLSv1.3",
      description = "Protocol version (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Option(names = "--suite", paramLabel = "SUITE", defaultValue = "TLS_AES_128_GCM_SHA256",
      description = "Cipher suite (default: ${DEFAULT-VALUE}).")
  String suite;

  @Option(names = "--group", paramLabel = "GROUP", defaultValue = "x25519",
      description = "Key exchange group (default: ${DEFAULT-VALUE}).")
  String group;

  @Option(names = "--key", paramLabel = "TYPE", defaultValue = "ec-p256",
      description = "Server key type: ec-p256, ec-p384, ed25519, rsa2048, rsa3072 (default: ${DEFAULT-VALUE}).")
  String key;

  @Option(names = "--sizes", paramLabel = "BYTES", split = ",",
      description = "Message sizes for throughput (default: 256,1024,4096,16384,65536; --quick: 16384).")
  List<Integer> sizes;

  @Option(names = "--only", paramLabel = "STACK", hidden = true,
      description = "Measure only tlskit or jdk (the other column reads 0): to compare the stacks in separate JVMs, "
          + "where JIT profiles of the JDK's TLS code see one stack's streams only.")
  String only;

  @Option(names = "--split", description = "Also split the handshake cost by end: TlsKit client to a raw JDK "
      + "server and a raw JDK client to a TlsServer, each beside TlsKit to TlsKit and JDK to JDK (slices "
      + "interleaved).")
  boolean split;

  @Option(names = "--warmup", paramLabel = "SECONDS",
      description = "Warm-up per stack before measuring (default: 2; --quick: 0.3).")
  Double warmup;

  @Option(names = "--settle", paramLabel = "SECONDS",
      description = "Before each handshake figure, make handshakes on the stacks in turn until the JIT compiler "
          + "uses under 5%% of the CPU in a round, for at most SECONDS (default: 60; --quick: 0, the plain "
          + "warm-up). The figure is then the cost of a handshake in a long-running process, not of compiling it.")
  Double settle;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
      description = "Measure each figure in N rounds of interleaved slices (the --seconds per stack split between "
          + "them; the order of the stacks reversed every other round), and report beside the ratio of the means the "
          + "median and range of the rounds' own ratios, which a machine whose speed drifts moves less, and a 95%% "
          + "bootstrap interval of that median (2,000 resamples of the rounds, fixed seed) "
          + "(default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--control", description = "Also measure a second, independent raw JDK stack (its own server and "
      + "client, the same settings) in its own slices, and report its ratio to the first (JDK again / JDK) beside "
      + "every figure: the spread of this very run, against which to read TlsKit / JDK and native / JDK. The order "
      + "of the slices then changes from round to round so that each stack takes every position equally often (over "
      + "every 4 rounds with the native stack, 6 without: give --rounds a multiple of that; TlsKit and the control "
      + "share the same positions in each pair of rounds). Costs one more stack's slices: a third more measuring "
      + "time with the native stack, half more without.")
  boolean control;

  /** The JIT compiler's share of a round's CPU under which the handshake code counts as compiled. */
  private static final double JIT_QUIET = 0.05;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (seconds <= 0 || seconds > 600) throw new UsageException("--seconds must be in (0, 600]: " + seconds);
    if (only != null && !only.equals("tlskit") && !only.equals("jdk")) {
      throw new UsageException("--only must be tlskit or jdk: " + only);
    }
    if (control && only != null) {
      throw new UsageException("--control measures the JDK stack twice beside TlsKit; it does not go with --only");
    }
    if (split && only != null) {
      throw new UsageException("--split measures both stacks; it does not go with --only");
    }
    List<Integer> messageSizes = sizes != null ? sizes : quick ? List.of(16384) : List.of(256, 1024, 4096, 16384, 65536);
    for (int size : messageSizes) {
      if (size < 1 || size > 16 << 20) throw new UsageException("--sizes: message size out of range: " + size);
    }
    int headlineSize = messageSizes.contains(16384) ? 16384 : messageSizes.get(messageSizes.size() - 1);
    if (rounds < 1 || rounds > 100) throw new UsageException("--rounds must be in [1, 100]: " + rounds);
    long sliceMillis = Math.max(50, Math.round(seconds * 500 / rounds));
    long warmupMillis = Math.round((warmup != null ? warmup : quick ? 0.3 : 2.0) * 1000);
    if (settle != null && (settle < 0 || settle > 600)) throw new UsageException("--settle must be in [0, 600]: " + settle);
    long settleMillis = Math.round((settle != null ? settle : quick ? 0 : 60.0) * 1000);
    Settings settings = new Settings(protocol, suite, group, keyType(key), provider(provider));
    // TlsKit on the native engine (tlskit-native, BoringSSL) as a third column, when it loads here and the run
    // compares all stacks with TlsKit on the JDK's own provider.
    Settings nativeSettings = only == null && settings.provider() == null && NativeTls.isAvailable()
        ? new Settings(protocol, suite, group, settings.keyType(), NativeTls.provider()) : null;
    String loadStart = BenchJson.loadAverage();
    Pki pki = Pki.create(settings.keyType());

    String[] negotiated = new String[3];
    List<Figure> figures = new ArrayList<>();
    for (int size : messageSizes) figures.add(new Figure("throughput", size, false));
    figures.add(new Figure("handshakes", 0, false));
    if (!quick) figures.add(new Figure("handshakes", 0, true));

    int stackCount = 2 + (nativeSettings == null ? 0 : 1) + (control ? 1 : 0);
    try (ProgressBar bar = progress(figures.size() * 2 * stackCount * rounds + stackCount)) {
      try (Stack tlskit = BenchStacks.tlskit(pki, settings, false);
           Stack jdk = BenchStacks.jdk(pki, settings, false);
           Stack nat = nativeSettings == null ? null : BenchStacks.tlskit(pki, nativeSettings, false);
           Stack ctl = control ? BenchStacks.jdk(pki, settings, false) : null) {
        negotiated[0] = suiteOf(tlskit);
        negotiated[1] = suiteOf(jdk);
        if (nat != null) negotiated[2] = suiteOf(nat);
        Stacks stacks = new Stacks(only, tlskit, jdk, nat, ctl);
        for (Stack s : stacks.measured()) warmUp(s, headlineSize, warmupMillis, bar);
        for (Figure f : figures) {
          if (f.resumed) continue;
          if (f.kind.equals("handshakes")) {
            // Handshake code again just before its figure (the throughput figures ran since the warm-up), in turn.
            f.settling = warmHandshakes(stacks, warmupMillis, settleMillis);
          }
          measure(f, stacks, sliceMillis, rounds, bar);
        }
      }
      for (Figure f : figures) {
        if (!f.resumed) continue;
        try (Stack tlskit = BenchStacks.tlskit(pki, settings, true);
             Stack jdk = BenchStacks.jdk(pki, settings, true);
             Stack nat = nativeSettings == null ? null : BenchStacks.tlskit(pki, nativeSettings, true);
             Stack ctl = control ? BenchStacks.jdk(pki, settings, true) : null) {
          // New servers and clients: without a warm-up the first slice (TlsKit's) paid for the JIT compiling the
          // JDK's resumption code, which both stacks share, and for each stack's first full handshake.
          Stacks stacks = new Stacks(only, tlskit, jdk, nat, ctl);
          f.settling = warmHandshakes(stacks, warmupMillis, settleMillis);
          measure(f, stacks, sliceMillis, rounds, bar);
        }
      }
    }

    List<SplitFigure> splits = new ArrayList<>();
    if (split) {
      splits.add(measureSplit(pki, settings, false, sliceMillis, warmupMillis, settleMillis));
      if (!quick) splits.add(measureSplit(pki, settings, true, sliceMillis, warmupMillis, settleMillis));
    }

    Map<String, Object> result = report(settings, nativeSettings, negotiated, figures, headlineSize, loadStart,
        BenchJson.loadAverage());
    if (!splits.isEmpty()) result.put("split", splitReport(splits));
    printTable(out, result, figures);
    printSplit(out, splits);
    if (json != null) {
      Files.writeString(json, BenchJson.write(result) + "\n");
      out.println("JSON written to " + json);
    }
    return ExitCodes.OK;
  }

  /** One row of the table: a throughput at one message size, or a handshake rate. */
  static final class Figure {
    final String kind;
    final int size;
    final boolean resumed;
    final Column tlskit = new Column();
    final Column jdk = new Column();
    final Column nat = new Column(); // TlsKit on the native engine; empty when not measured
    final Column control = new Column(); // the second raw JDK stack (--control); empty when not measured
    BenchMeasure.Settling settling; // handshake figures: how their code was warmed up (null: the plain warm-up)
    final List<Double> roundRatios = new ArrayList<>(); // TlsKit / JDK in each round (with --rounds)
    final List<Double> roundNativeRatios = new ArrayList<>(); // native / JDK in each round
    final List<Double> roundControlRatios = new ArrayList<>(); // control (JDK again) / JDK in each round

    Figure(String kind, int size, boolean resumed) {
      this.kind = kind;
      this.size = size;
      this.resumed = resumed;
    }

    BenchMeasure.Sample sample(Stack stack, long millis) throws IOException {
      return kind.equals("throughput")
          ? BenchMeasure.throughput(stack, size, millis) : BenchMeasure.handshakes(stack, millis);
    }

    /** Returns milliseconds of process CPU per MB or per handshake. */
    static double cpuMillisPerUnit(double cpuSeconds, double units) {
      return units == 0 ? 0 : cpuSeconds * 1000 / units;
    }

    String label() {
      if (kind.equals("throughput")) return "throughput, " + size + " B messages (MB/s)";
      return (resumed ? "resumed" : "full") + " handshakes (per s)";
    }

    double ratio() {
      return jdk.rate() == 0 ? 0 : tlskit.rate() / jdk.rate();
    }

    double nativeRatio() {
      return jdk.rate() == 0 ? 0 : nat.rate() / jdk.rate();
    }

    double controlRatio() {
      return jdk.rate() == 0 ? 0 : control.rate() / jdk.rate();
    }

    /** Adds one round's slices (one or two per stack; null or empty for a stack not measured). */
    void add(List<BenchMeasure.Sample> t, List<BenchMeasure.Sample> j, List<BenchMeasure.Sample> n,
        List<BenchMeasure.Sample> c) {
      double tr = tlskit.add(t);
      double jr = jdk.add(j);
      double nr = nat.add(n);
      double cr = control.add(c);
      if (jr > 0 && tr > 0) roundRatios.add(tr / jr);
      if (jr > 0 && nr > 0) roundNativeRatios.add(nr / jr);
      if (jr > 0 && cr > 0) roundControlRatios.add(cr / jr);
    }
  }

  /** One stack's slices of a figure: their sums, and the mean of its rounds' rates. */
  static final class Column {
    private double rateSum;
    private int rounds;
    double units;
    double cpu; // process CPU seconds
    double jit; // of which the JIT compiler's threads

    /** Adds one round's slices of this stack and returns their mean rate (0 for none). */
    double add(List<BenchMeasure.Sample> samples) {
      if (samples == null || samples.isEmpty()) return 0;
      double r = samples.stream().mapToDouble(BenchMeasure.Sample::rate).average().orElse(0);
      for (BenchMeasure.Sample x : samples) {
        units += x.units();
        cpu += x.cpuSeconds();
        jit += x.jitCpuSeconds();
      }
      rateSum += r;
      rounds++;
      return r;
    }

    double rate() {
      return rounds == 0 ? 0 : rateSum / rounds;
    }

    double cpuPerUnit() {
      return Figure.cpuMillisPerUnit(cpu, units);
    }

    double jitPerUnit() {
      return Figure.cpuMillisPerUnit(jit, units);
    }

    double cpuWithoutJitPerUnit() {
      return Figure.cpuMillisPerUnit(cpu - jit, units);
    }
  }

  /**
   * The stacks of one figure: TlsKit, the raw JDK, and when measured TlsKit on the native engine and the control (a
   * second raw JDK stack); {@code only} is null, "tlskit" or "jdk".
   */
  record Stacks(String only, Stack tlskit, Stack jdk, Stack nat, Stack control) {
    /** Returns the stacks measured, in the order they are warmed up. */
    List<Stack> measured() {
      List<Stack> stacks = new ArrayList<>();
      if (!"jdk".equals(only)) stacks.add(tlskit);
      if (!"tlskit".equals(only)) stacks.add(jdk);
      if (nat != null) stacks.add(nat);
      if (control != null) stacks.add(control);
      return stacks;
    }

    /**
     * Returns round {@code round}'s slices in order: without a control T N J J N T, reversed every other round (the
     * order of every run before --control); with one, the balanced order of TlsKit, native, control, JDK, in which
     * TlsKit and the control share their positions over each pair of rounds and native and the JDK theirs.
     */
    List<Stack> slices(int round) {
      if (control == null) return SliceOrder.rotated(present(tlskit, nat, jdk), round);
      return SliceOrder.balanced(nat != null ? List.of(tlskit, nat, control, jdk) : List.of(tlskit, jdk, control),
          round);
    }

    private static List<Stack> present(Stack... stacks) {
      List<Stack> list = new ArrayList<>();
      for (Stack s : stacks) {
        if (s != null) list.add(s);
      }
      return list;
    }

    String name(Stack s) {
      return s == nat ? "native" : s == tlskit ? "TlsKit" : s == control ? "control" : "JDK";
    }
  }

  /**
   * Warms the stacks' handshake code up just before a handshake figure: until the JIT compiler is quiet (at most
   * {@code settleMillis}), or, with no settling asked for, {@code warmupMillis / 2} per stack. Returns what settling
   * did, or null.
   */
  private static BenchMeasure.Settling warmHandshakes(Stacks measured, long warmupMillis, long settleMillis)
      throws IOException {
    List<Stack> stacks = measured.measured();
    if (settleMillis > 0) return BenchMeasure.settleHandshakes(stacks, 1000, settleMillis, JIT_QUIET);
    for (Stack s : stacks) BenchMeasure.handshakes(s, warmupMillis / 2);
    return null;
  }

  private static void warmUp(Stack stack, int size, long millis, ProgressBar bar) throws IOException {
    BenchMeasure.throughput(stack, size, millis / 2);
    BenchMeasure.handshakes(stack, millis / 2);
    step(bar, "warm-up");
  }

  /**
   * Measures one figure in {@code rounds} rounds of slices ({@link Stacks#slices}): a load that drifts favours none,
   * and each round gives its own ratios.
   */
  private static void measure(Figure f, Stacks stacks, long sliceMillis, int rounds, ProgressBar bar)
      throws IOException {
    String what = f.kind.equals("throughput") ? f.size + " B" : f.resumed ? "resumed hs" : "full hs";
    String only = stacks.only();
    for (int r = 0; r < rounds; r++) {
      if (only != null) {
        Stack s = only.equals("jdk") ? stacks.jdk() : stacks.tlskit();
        List<BenchMeasure.Sample> samples = List.of(f.sample(s, sliceMillis), f.sample(s, sliceMillis));
        for (int k = 0; k < 4; k++) step(bar, only);
        if (only.equals("jdk")) f.add(List.of(), samples, null, null);
        else f.add(samples, List.of(), null, null);
        continue;
      }
      Map<Stack, List<BenchMeasure.Sample>> slices = new IdentityHashMap<>();
      for (Stack s : stacks.slices(r)) {
        slices.computeIfAbsent(s, k -> new ArrayList<>()).add(f.sample(s, sliceMillis));
        step(bar, what + " " + stacks.name(s));
      }
      f.add(slices.get(stacks.tlskit()), slices.get(stacks.jdk()), slices.get(stacks.nat()),
          slices.get(stacks.control()));
    }
  }

  private static void step(ProgressBar bar, String what) {
    if (bar != null) {
      bar.setExtraMessage(what);
      bar.step();
    }
  }

  /** Returns a progress bar on stderr when stdout is a terminal, else null. */
  private static ProgressBar progress(int steps) {
    if (!stdoutIsTerminal()) return null;
    // A fixed width and a plain consumer: the default one asks JLine for the terminal, which loads native code that
    // JDK 24+ warns about unless native access is granted.
    return new ProgressBarBuilder().setTaskName("bench").setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(200).continuousUpdate()
        .setConsumer(new ConsoleProgressBarConsumer(System.err, 100)).build();
  }

  private static boolean stdoutIsTerminal() {
    Console console = System.console();
    if (console == null) return false;
    try {
      // Console.isTerminal() exists from Java 22, where System.console() is no longer null when redirected.
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // Java 21: a console exists only for a terminal
    }
  }

  private static KeyType keyType(String name) {
    try {
      return KeyType.fromCliName(name);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--key: " + e.getMessage());
    }
  }

  /** Returns the provider for the TlsKit side, null for the JDK's own. */
  static Provider provider(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "jdk", "sunjsse" -> {
        return null;
      }
      case "conscrypt" -> {
        Class<?> conscrypt;
        try {
          conscrypt = Class.forName("org.conscrypt.Conscrypt");
        } catch (ClassNotFoundException e) {
          throw new UsageException("--provider conscrypt: Conscrypt is not on the class path (add "
              + "org.conscrypt:conscrypt-openjdk-uber; scripts/bench does)");
        }
        try {
          if (!(Boolean) conscrypt.getMethod("isAvailable").invoke(null)) {
            Throwable why = (Throwable) conscrypt.getMethod("checkAvailability").invoke(null);
            throw new UsageException("--provider conscrypt: Conscrypt's native library does not load on this "
                + "machine/JDK: " + why);
          }
          return (Provider) conscrypt.getMethod("newProvider").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          throw new UsageException("--provider conscrypt: Conscrypt does not work here: " + cause);
        }
      }
      case "native" -> {
        return ProviderOption.of(name);
      }
      default -> throw new UsageException("--provider must be jdk, native or conscrypt: " + name);
    }
  }

  /** Returns the provider's name and, for Conscrypt, its release (its JCA version string is always 1.0). */
  private static String providerVersion(Provider p) {
    try {
      Object v = Class.forName("org.conscrypt.Conscrypt").getMethod("version").invoke(null);
      Class<?> c = v.getClass();
      return p.getName() + " " + c.getMethod("major").invoke(v) + "." + c.getMethod("minor").invoke(v) + "."
          + c.getMethod("patch").invoke(v);
    } catch (ReflectiveOperationException | LinkageError e) {
      return p.getName() + " " + p.getVersionStr();
    }
  }

  private static String suiteOf(Stack stack) throws IOException {
    try (var link = stack.connect()) {
      return link.cipherSuite();
    }
  }

  private Map<String, Object> report(Settings s, Settings nat, String[] negotiated, List<Figure> figures,
      int headlineSize, String loadStart, String loadEnd) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tool", "tlskit bench");
    r.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    r.put("quick", quick);
    r.put("seconds_per_stack", seconds);
    r.put("rounds", rounds);
    r.put("control", control);
    r.put("slice_order", control ? "balanced" : "rotated");
    if (control) r.put("slice_order_cycle", SliceOrder.cycle(nat != null ? 4 : 3));
    if (rounds > 1) {
      Map<String, Object> interval = new LinkedHashMap<>();
      interval.put("method", "percentile bootstrap of the median of the rounds' ratios");
      interval.put("confidence", RoundStats.CONFIDENCE);
      interval.put("resamples", RoundStats.RESAMPLES);
      interval.put("seed", RoundStats.SEED);
      r.put("median_interval", interval);
    }
    r.put("provider", s.provider() == null ? "SunJSSE" : providerVersion(s.provider()));
    r.put("baseline_provider", "SunJSSE");
    if (nat != null) {
      r.put("native_provider", NativeTls.version());
      r.put("native_cipher_suite", negotiated[2]);
    }
    r.put("protocol", s.protocol());
    r.put("cipher_suite", negotiated[0]);
    r.put("baseline_cipher_suite", negotiated[1]);
    r.put("group", s.group());
    r.put("key", s.keyType().cliName());
    r.put("jdk", Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
        + System.getProperty("java.vendor") + ")");
    r.put("cpu", BenchJson.cpuModel());
    r.put("nproc", Runtime.getRuntime().availableProcessors());
    r.put("load_avg", Map.of("start", loadStart, "end", loadEnd));
    Map<String, Object> tp = new LinkedHashMap<>();
    List<Object> bySize = new ArrayList<>();
    Map<String, Object> hs = new LinkedHashMap<>();
    for (Figure f : figures) {
      if (f.kind.equals("throughput")) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("message_bytes", f.size);
        row.put("tlskit_mb_s", round(f.tlskit.rate()));
        row.put("jdk_mb_s", round(f.jdk.rate()));
        row.put("ratio", round(f.ratio()));
        row.put("tlskit_cpu_ms_per_mb", round(f.tlskit.cpuPerUnit()));
        row.put("jdk_cpu_ms_per_mb", round(f.jdk.cpuPerUnit()));
        if (nat != null) {
          row.put("native_mb_s", round(f.nat.rate()));
          row.put("native_ratio", round(f.nativeRatio()));
          row.put("native_cpu_ms_per_mb", round(f.nat.cpuPerUnit()));
        }
        if (control) {
          row.put("control_mb_s", round(f.control.rate()));
          row.put("control_ratio", round(f.controlRatio()));
          row.put("control_cpu_ms_per_mb", round(f.control.cpuPerUnit()));
        }
        putRounds(row, "", f, nat != null);
        bySize.add(row);
        if (f.size == headlineSize) {
          tp.put("message_bytes", f.size);
          tp.put("tlskit_mb_s", round(f.tlskit.rate()));
          tp.put("jdk_mb_s", round(f.jdk.rate()));
          tp.put("ratio", round(f.ratio()));
          if (nat != null) {
            tp.put("native_mb_s", round(f.nat.rate()));
            tp.put("native_ratio", round(f.nativeRatio()));
          }
          if (control) {
            tp.put("control_mb_s", round(f.control.rate()));
            tp.put("control_ratio", round(f.controlRatio()));
          }
        }
      } else {
        putHandshakes(hs, f.resumed ? "resumed_" : "", f, nat != null, control);
      }
    }
    tp.put("by_size", bySize);
    r.put("throughput", tp);
    r.put("handshakes", hs);
    return r;
  }

  /** Adds one handshake figure under {@code prefix} ("" for full handshakes, "resumed_" for resumed ones). */
  private static void putHandshakes(Map<String, Object> hs, String prefix, Figure f, boolean nat,
      boolean control) {
    hs.put(prefix + "tlskit_per_s", round(f.tlskit.rate()));
    hs.put(prefix + "jdk_per_s", round(f.jdk.rate()));
    hs.put(prefix + "ratio", round(f.ratio()));
    hs.put(prefix + "tlskit_cpu_ms_per_handshake", round(f.tlskit.cpuPerUnit()));
    hs.put(prefix + "jdk_cpu_ms_per_handshake", round(f.jdk.cpuPerUnit()));
    hs.put(prefix + "tlskit_jit_cpu_ms_per_handshake", round(f.tlskit.jitPerUnit()));
    hs.put(prefix + "jdk_jit_cpu_ms_per_handshake", round(f.jdk.jitPerUnit()));
    putSettling(hs, prefix, f.settling);
    putRounds(hs, prefix, f, nat);
    if (nat) {
      hs.put(prefix + "native_per_s", round(f.nat.rate()));
      hs.put(prefix + "native_ratio", round(f.nativeRatio()));
      hs.put(prefix + "native_cpu_ms_per_handshake", round(f.nat.cpuPerUnit()));
      hs.put(prefix + "native_jit_cpu_ms_per_handshake", round(f.nat.jitPerUnit()));
    }
    if (control) {
      hs.put(prefix + "control_per_s", round(f.control.rate()));
      hs.put(prefix + "control_ratio", round(f.controlRatio()));
      hs.put(prefix + "control_cpu_ms_per_handshake", round(f.control.cpuPerUnit()));
      hs.put(prefix + "control_jit_cpu_ms_per_handshake", round(f.control.jitPerUnit()));
    }
  }

  /**
   * With more than one round: adds each ratio's rounds, their median and the bootstrap interval of that median
   * under {@code prefix} (the ratio of the means stays under "ratio").
   */
  private static void putRounds(Map<String, Object> row, String prefix, Figure f, boolean nat) {
    if (f.roundRatios.size() < 2) return;
    putRatioRounds(row, prefix + "ratio", f.roundRatios);
    if (nat) putRatioRounds(row, prefix + "native_ratio", f.roundNativeRatios);
    putRatioRounds(row, prefix + "control_ratio", f.roundControlRatios);
  }

  /** Adds NAME_median, NAME_median_ci95 ([low, high]) and NAME_rounds for one ratio's rounds, if any. */
  private static void putRatioRounds(Map<String, Object> row, String name, List<Double> rounds) {
    if (rounds.isEmpty()) return;
    RoundStats.Interval ci = RoundStats.medianInterval(rounds);
    row.put(name + "_median", round(RoundStats.median(rounds)));
    row.put(name + "_median_ci95", List.of(round(ci.low()), round(ci.high())));
    row.put(name + "_rounds", rounds.stream().map(BenchCommand::round).toList());
  }

  /** Returns the line giving a figure's median ratio over its rounds and their range, or null with one round. */
  static String roundsLine(Figure f, boolean nat) {
    if (f.roundRatios.size() < 2) return null;
    String line = String.format(Locale.ROOT, "  %s, %d rounds: TlsKit / JDK median %.2fx (%.2f-%.2f)", shortLabel(f),
        f.roundRatios.size(), RoundStats.median(f.roundRatios), min(f.roundRatios), max(f.roundRatios));
    if (nat && !f.roundNativeRatios.isEmpty()) {
      line += String.format(Locale.ROOT, "; native / JDK median %.2fx (%.2f-%.2f)",
          RoundStats.median(f.roundNativeRatios), min(f.roundNativeRatios), max(f.roundNativeRatios));
    }
    if (!f.roundControlRatios.isEmpty()) {
      line += String.format(Locale.ROOT, "; control / JDK median %.2fx (%.2f-%.2f)",
          RoundStats.median(f.roundControlRatios), min(f.roundControlRatios), max(f.roundControlRatios));
    }
    return line;
  }

  /**
   * Returns the line giving the 95% bootstrap interval of each of a figure's median ratios, or null with one
   * round.
   */
  static String intervalLine(Figure f, boolean nat) {
    if (f.roundRatios.size() < 2) return null;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s, 95%% interval of the median: ",
        shortLabel(f)));
    line.append(interval("TlsKit / JDK", f.roundRatios));
    if (nat && !f.roundNativeRatios.isEmpty()) line.append("; ").append(interval("native / JDK", f.roundNativeRatios));
    if (!f.roundControlRatios.isEmpty()) {
      line.append("; ").append(interval("control / JDK", f.roundControlRatios));
    }
    return line.toString();
  }

  private static String interval(String what, List<Double> rounds) {
    RoundStats.Interval ci = RoundStats.medianInterval(rounds);
    return String.format(Locale.ROOT, "%s %.3f-%.3f", what, ci.low(), ci.high());
  }

  private static String shortLabel(Figure f) {
    return f.label().replace(" (MB/s)", "").replace(" (per s)", "");
  }

  private static double min(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
  }

  private static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /** Adds how the handshake code was warmed up before a figure: seconds, and whether the JIT compiler went quiet. */
  private static void putSettling(Map<String, Object> hs, String prefix, BenchMeasure.Settling s) {
    if (s == null) return;
    hs.put(prefix + "warmup_seconds", round(s.seconds()));
    hs.put(prefix + "jit_quiet", s.settled());
    if (!Double.isNaN(s.lastJitShare())) hs.put(prefix + "warmup_last_jit_share", round(s.lastJitShare()));
  }

  /** Returns the line that says how a handshake figure's code was warmed up, or null. */
  static String settlingLine(String what, BenchMeasure.Settling s) {
    if (s == null) return null;
    if (Double.isNaN(s.lastJitShare())) {
      return String.format(Locale.ROOT, "  %s: warmed up %.0f s (this OS does not report the JIT compiler's CPU)",
          what, s.seconds());
    }
    return String.format(Locale.ROOT, "  %s: warmed up %.0f s, %s (JIT compiler %.1f%% of the CPU in the last round)",
        what, s.seconds(), s.settled() ? "until the JIT compiler was quiet" : "the JIT compiler still busy at the limit",
        s.lastJitShare() * 100);
  }

  private static void printTable(PrintWriter out, Map<String, Object> r, List<Figure> figures) {
    out.printf("TlsKit vs raw JDK SSLSocket, loopback, %s %s %s, %s key; TlsKit provider %s, baseline SunJSSE%n",
        r.get("protocol"), r.get("cipher_suite"), r.get("group"), r.get("key"), r.get("provider"));
    out.printf("Java %s; %s, %s CPUs; load %s -> %s%n", r.get("jdk"), r.get("cpu"), r.get("nproc"),
        ((Map<?, ?>) r.get("load_avg")).get("start"), ((Map<?, ?>) r.get("load_avg")).get("end"));
    boolean nat = r.containsKey("native_provider");
    boolean ctl = Boolean.TRUE.equals(r.get("control"));
    if (nat) out.printf("TlsKit on native: %s, %s%n", r.get("native_provider"), r.get("native_cipher_suite"));
    if (ctl) {
      out.printf("Control: a second raw JDK stack in its own slices; control / JDK is this run's A/A spread. Order "
          + "balanced: every stack in every position equally often over each %s rounds%n",
          r.get("slice_order_cycle"));
    }
    out.printf("%-40s %10s %10s %7s", "", "TlsKit", "JDK", "ratio");
    if (nat) out.printf(" %10s %7s", "native", "ratio");
    if (ctl) out.printf(" %10s %7s", "control", "ratio");
    out.printf("   %s%n", "process CPU ms per MB|handshake" + (nat || ctl ? " (TlsKit / JDK" + (nat ? " / native" : "")
        + (ctl ? " / control" : "") + ")" : ""));
    for (Figure f : figures) {
      out.printf(Locale.ROOT, "%-40s %10.1f %10.1f %6.2fx", f.label(), f.tlskit.rate(), f.jdk.rate(), f.ratio());
      if (nat) out.printf(Locale.ROOT, " %10.1f %6.2fx", f.nat.rate(), f.nativeRatio());
      if (ctl) out.printf(Locale.ROOT, " %10.1f %6.2fx", f.control.rate(), f.controlRatio());
      out.printf(Locale.ROOT, "   %.2f vs %.2f", f.tlskit.cpuPerUnit(),
          f.jdk.cpuPerUnit());
      if (nat) out.printf(Locale.ROOT, " vs %.2f", f.nat.cpuPerUnit());
      if (ctl) out.printf(Locale.ROOT, " vs %.2f", f.control.cpuPerUnit());
      out.println();
    }
    for (Figure f : figures) {
      if (!f.kind.equals("handshakes") || f.tlskit.jit + f.jdk.jit + f.nat.jit + f.control.jit == 0) continue;
      out.printf(Locale.ROOT, "  %s: of the CPU per handshake, the JIT compiler's %.2f vs %.2f",
          f.resumed ? "resumed" : "full", f.tlskit.jitPerUnit(),
          f.jdk.jitPerUnit());
      if (nat) out.printf(Locale.ROOT, " vs %.2f", f.nat.jitPerUnit());
      if (ctl) out.printf(Locale.ROOT, " vs %.2f", f.control.jitPerUnit());
      out.printf(Locale.ROOT, " ms; without it %.2f vs %.2f",
          f.tlskit.cpuWithoutJitPerUnit(),
          f.jdk.cpuWithoutJitPerUnit());
      if (nat) out.printf(Locale.ROOT, " vs %.2f", f.nat.cpuWithoutJitPerUnit());
      if (ctl) out.printf(Locale.ROOT, " vs %.2f", f.control.cpuWithoutJitPerUnit());
      out.println();
    }
    for (Figure f : figures) {
      String line = roundsLine(f, nat);
      if (line != null) out.println(line);
    }
    for (Figure f : figures) {
      String line = intervalLine(f, nat);
      if (line != null) out.println(line);
    }
    for (Figure f : figures) {
      String line = settlingLine(f.resumed ? "resumed" : "full", f.settling);
      if (line != null) out.println(line);
    }
  }

  /** The four pairings of {@code --split}: client end, server end. */
  private enum Pairing {
    TLSKIT_TLSKIT(true, true), TLSKIT_JDK(true, false), JDK_TLSKIT(false, true), JDK_JDK(false, false);

    final boolean tlskitClient;
    final boolean tlskitServer;

    Pairing(boolean tlskitClient, boolean tlskitServer) {
      this.tlskitClient = tlskitClient;
      this.tlskitServer = tlskitServer;
    }

    String client() {
      return tlskitClient ? "tlskit" : "jdk";
    }

    String server() {
      return tlskitServer ? "tlskit" : "jdk";
    }
  }

  /** Full or resumed handshakes of each pairing: sums over its slices. */
  static final class SplitFigure {
    final boolean resumed;
    final double[] units = new double[Pairing.values().length];
    final double[] seconds = new double[Pairing.values().length];
    final double[] cpu = new double[Pairing.values().length];
    final double[] jit = new double[Pairing.values().length];
    BenchMeasure.Settling settling;

    SplitFigure(boolean resumed) {
      this.resumed = resumed;
    }

    double rate(Pairing p) {
      return seconds[p.ordinal()] == 0 ? 0 : units[p.ordinal()] / seconds[p.ordinal()];
    }

    double cpuMillis(Pairing p) {
      return Figure.cpuMillisPerUnit(cpu[p.ordinal()], units[p.ordinal()]);
    }

    /** CPU per handshake of every thread but the JIT compiler's (client, server, GC, pollers). */
    double stackCpuMillis(Pairing p) {
      return Figure.cpuMillisPerUnit(cpu[p.ordinal()] - jit[p.ordinal()], units[p.ordinal()]);
    }
  }

  /**
   * Measures handshakes for the four pairings in one JVM: slices in the order TT TJ JT JJ, then JJ JT TJ TT (client
   * end first), after a warm-up of each, so that the client's and the server's share of TlsKit's extra cost can be
   * read off against JDK to JDK.
   */
  private static SplitFigure measureSplit(Pki pki, Settings settings, boolean resumed, long sliceMillis,
      long warmupMillis, long settleMillis) throws IOException {
    SplitFigure f = new SplitFigure(resumed);
    Pairing[] order = Pairing.values();
    Stack[] stacks = new Stack[order.length];
    try {
      for (Pairing p : order) stacks[p.ordinal()] = BenchStacks.mixed(pki, settings, resumed, p.tlskitClient,
          p.tlskitServer);
      if (settleMillis > 0) {
        f.settling = BenchMeasure.settleHandshakes(List.of(stacks), 1000, settleMillis, JIT_QUIET);
      } else {
        for (Pairing p : order) BenchMeasure.handshakes(stacks[p.ordinal()], warmupMillis / 2);
      }
      for (int round = 0; round < 2; round++) {
        for (int k = 0; k < order.length; k++) {
          Pairing p = order[round == 0 ? k : order.length - 1 - k];
          BenchMeasure.Sample s = BenchMeasure.handshakes(stacks[p.ordinal()], sliceMillis);
          f.units[p.ordinal()] += s.units();
          f.seconds[p.ordinal()] += s.seconds();
          f.cpu[p.ordinal()] += s.cpuSeconds();
          f.jit[p.ordinal()] += s.jitCpuSeconds();
        }
      }
    } finally {
      for (Stack s : stacks) {
        if (s != null) s.close();
      }
    }
    return f;
  }

  private static List<Object> splitReport(List<SplitFigure> splits) {
    List<Object> rows = new ArrayList<>();
    for (SplitFigure f : splits) {
      for (Pairing p : Pairing.values()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("handshake", f.resumed ? "resumed" : "full");
        row.put("client", p.client());
        row.put("server", p.server());
        row.put("per_s", round(f.rate(p)));
        row.put("cpu_ms_per_handshake", round(f.cpuMillis(p)));
        row.put("cpu_ms_per_handshake_without_jit", round(f.stackCpuMillis(p)));
        rows.add(row);
      }
    }
    return rows;
  }

  private static void printSplit(PrintWriter out, List<SplitFigure> splits) {
    if (splits.isEmpty()) return;
    out.printf("%nHandshake cost by end (client -> server, slices interleaved; CPU ms per handshake, both ends)%n");
    out.printf("%-40s %10s %10s %14s %16s%n", "", "per s", "CPU", "CPU w/o JIT", "extra vs JDK-JDK");
    for (SplitFigure f : splits) {
      double base = f.stackCpuMillis(Pairing.JDK_JDK);
      for (Pairing p : Pairing.values()) {
        String label = (f.resumed ? "resumed" : "full") + ", " + (p.tlskitClient ? "TlsKit" : "JDK") + " -> "
            + (p.tlskitServer ? "TlsServer" : "JDK server");
        out.printf(Locale.ROOT, "%-40s %10.1f %10.2f %14.2f %+16.2f%n", label, f.rate(p), f.cpuMillis(p),
            f.stackCpuMillis(p), f.stackCpuMillis(p) - base);
      }
      String line = settlingLine(f.resumed ? "resumed" : "full", f.settling);
      if (line != null) out.println(line);
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
