package dev.tlskit.bench;

import dev.tlskit.certs.KeyType;
import dev.tlskit.bench.stacks.BenchJson;
import dev.tlskit.bench.stacks.BenchMeasure;
import dev.tlskit.bench.stacks.BenchMeasure.Sample;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.Link;
import dev.tlskit.bench.stacks.BenchStacks.Pki;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.Version;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares four TLS stacks in one process on loopback, side by side: TlsKit ({@code TlsClient} to
 * {@code TlsServer}), the raw JDK {@code SSLSocket}, Netty with its JDK engine and Netty with its OpenSSL engine
 * (BoringSSL from netty-tcnative). Same throwaway EC P-256 key, TLS 1.3, TLS_AES_128_GCM_SHA256, x25519 for all.
 * Measures throughput by message size and full and resumed handshakes per second with the loops of
 * {@code tlskit bench} ({@link BenchMeasure}), each figure the mean of two slices per stack taken in the
 * order A B C D D C B A after a warm-up of every stack, plus the process CPU per MB or per handshake.
 *
 * <p>Usage: {@code NettyComparison [SECONDS] [JSON-FILE]}: SECONDS per stack per figure (default 3); the JSON is
 * what {@code scripts/plot-bench} reads (docs/bench/netty.json). Netty's OpenSSL engine needs native access on
 * JDK 24+: run with {@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}.
 */
public final class NettyComparison {
  static final List<Integer> SIZES = List.of(256, 1024, 4096, 16384, 65536);
  static final String[] KEYS = {"tlskit", "jdk", "netty_jdk", "netty_openssl"};
  static final String[] NAMES = {"TlsKit", "raw JDK", "Netty/JDK", "Netty/OpenSSL"};

  /**
   * Netty logs through java.util.logging when no other framework is present; its INFO lines (BoringSSL's fixed
   * TLS 1.3 suite list, noted in BENCHMARKS.md) would interleave with the table. Held here so it is not collected.
   */
  private static final java.util.logging.Logger NETTY_LOG = java.util.logging.Logger.getLogger("io.netty");

  private NettyComparison() {}

  public static void main(String[] args) throws IOException {
    NETTY_LOG.setLevel(java.util.logging.Level.WARNING);
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    Path json = args.length > 1 ? Path.of(args[1]) : null;
    if (!(seconds > 0 && seconds <= 600)) throw new IllegalArgumentException("seconds must be in (0, 600]: " + seconds);
    Map<String, Object> report = run(seconds, Math.min(2.0, seconds), SIZES, System.out);
    if (json != null) {
      Files.writeString(json, BenchJson.write(report) + "\n");
      System.out.println("JSON written to " + json);
    }
  }

  /** One row: a throughput at one message size, or a handshake rate; per stack, in the order of {@link #KEYS}. */
  private static final class Figure {
    final int size; // 0 for handshakes
    final boolean resumed;
    final double[] rate = new double[KEYS.length];
    final double[] units = new double[KEYS.length];
    final double[] cpu = new double[KEYS.length];
    final long[] certificateChecks = new long[KEYS.length];

    Figure(int size, boolean resumed) {
      this.size = size;
      this.resumed = resumed;
    }

    Sample sample(Stack stack, long millis) throws IOException {
      return size > 0 ? BenchMeasure.throughput(stack, size, millis) : BenchMeasure.handshakes(stack, millis);
    }

    String label() {
      return size > 0 ? "throughput, " + size + " B messages (MB/s)" : (resumed ? "resumed" : "full") + " handshakes/s";
    }

    double cpuMillisPerUnit(int i) {
      return units[i] == 0 ? 0 : cpu[i] * 1000 / units[i];
    }

    double ratio(int i) {
      return rate[1] == 0 ? 0 : rate[i] / rate[1];
    }
  }

  /**
   * Measures every figure for about {@code seconds} per stack (two slices each) after {@code warmupSeconds} of
   * warm-up per stack, prints the table to {@code out} and returns the report that goes to JSON.
   */
  static Map<String, Object> run(double seconds, double warmupSeconds, List<Integer> sizes, PrintStream out)
      throws IOException {
    OpenSsl.ensureAvailability();
    long sliceMillis = Math.max(20, Math.round(seconds * 500));
    long warmupMillis = Math.round(warmupSeconds * 1000);
    Settings settings = new Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
    Pki pki = Pki.create(settings.keyType());
    String loadStart = BenchJson.loadAverage();
    String start = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

    List<Figure> figures = new ArrayList<>();
    for (int size : sizes) figures.add(new Figure(size, false));
    Figure full = new Figure(0, false);
    Figure resumed = new Figure(0, true);
    figures.add(full);
    figures.add(resumed);
    Map<String, Object> negotiated = new LinkedHashMap<>();

    Stack[] stacks = open(pki, settings, false);
    try {
      for (int i = 0; i < stacks.length; i++) negotiated.put(KEYS[i], negotiated(stacks[i]));
      int warmupSize = sizes.contains(16384) ? 16384 : sizes.get(sizes.size() - 1);
      for (Stack s : stacks) {
        BenchMeasure.throughput(s, warmupSize, Math.max(1, warmupMillis / 2));
        BenchMeasure.handshakes(s, Math.max(1, warmupMillis / 2));
      }
      for (Figure f : figures) {
        if (!f.resumed) measure(f, stacks, sliceMillis);
      }
    } finally {
      closeAll(stacks);
    }
    stacks = open(pki, settings, true);
    try {
      // Resumption runs code paths (PSK, tickets) that full handshakes leave cold: warm them for every stack too.
      for (Stack s : stacks) BenchMeasure.handshakes(s, Math.max(1, warmupMillis / 2));
      measure(resumed, stacks, sliceMillis);
    } finally {
      closeAll(stacks);
    }

    Map<String, Object> report = report(settings, seconds, start, negotiated, figures, loadStart,
        BenchJson.loadAverage());
    print(out, report, figures);
    return report;
  }

  private static Stack[] open(Pki pki, Settings s, boolean resumption) throws IOException {
    Stack[] stacks = new Stack[KEYS.length];
    try {
      stacks[0] = BenchStacks.tlskit(pki, s, resumption);
      stacks[1] = BenchStacks.jdk(pki, s, resumption);
      stacks[2] = new NettyStack(pki, s, SslProvider.JDK, BenchStacks.PEER_NAME, resumption);
      stacks[3] = new NettyStack(pki, s, SslProvider.OPENSSL, BenchStacks.PEER_NAME, resumption);
      return stacks;
    } catch (IOException | RuntimeException e) {
      closeAll(stacks);
      throw e;
    }
  }

  private static void closeAll(Stack[] stacks) throws IOException {
    for (Stack s : stacks) {
      if (s != null) s.close();
    }
  }

  /** Takes two slices per stack in the order A B C D D C B A; the rate is their mean. */
  private static void measure(Figure f, Stack[] stacks, long sliceMillis) throws IOException {
    int n = stacks.length;
    double[] rates = new double[n];
    for (int k = 0; k < 2 * n; k++) {
      int i = k < n ? k : 2 * n - 1 - k;
      long checks = certificateChecks(stacks[i]);
      Sample sample = f.sample(stacks[i], sliceMillis);
      f.certificateChecks[i] += certificateChecks(stacks[i]) - checks;
      rates[i] += sample.rate() / 2;
      f.units[i] += sample.units();
      f.cpu[i] += sample.cpuSeconds();
    }
    System.arraycopy(rates, 0, f.rate, 0, n);
  }

  private static long certificateChecks(Stack s) {
    return s instanceof NettyStack netty ? netty.certificateChecks() : 0;
  }

  private static Map<String, Object> negotiated(Stack stack) throws IOException {
    try (Link link = stack.connect()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cipher_suite", link.cipherSuite());
      if (link instanceof NettyLink netty) m.put("named_group", netty.namedGroup());
      return m;
    }
  }

  private static Map<String, Object> report(Settings s, double seconds, String start, Map<String, Object> negotiated,
      List<Figure> figures, String loadStart, String loadEnd) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tool", "dev.tlskit.bench.NettyComparison");
    r.put("date", start);
    r.put("end", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    r.put("seconds_per_stack", seconds);
    r.put("protocol", s.protocol());
    r.put("cipher_suite", s.suite());
    r.put("group", s.group());
    r.put("key", s.keyType().cliName());
    Map<String, Object> stacks = new LinkedHashMap<>();
    stacks.put("tlskit", describe("TlsClient -> TlsServer", "SunJSSE", negotiated.get("tlskit")));
    stacks.put("jdk", describe("SSLSocket -> SSLServerSocket (virtual threads)", "SunJSSE", negotiated.get("jdk")));
    stacks.put("netty_jdk", describe("Netty SslHandler, NIO, SslProvider.JDK", "SunJSSE", negotiated.get("netty_jdk")));
    stacks.put("netty_openssl", describe("Netty SslHandler, NIO, SslProvider.OPENSSL",
        OpenSsl.versionString() + " (netty-tcnative-boringssl-static " + tcnativeVersion() + ")",
        negotiated.get("netty_openssl")));
    r.put("stacks", stacks);
    r.put("netty", version("netty-handler"));
    r.put("netty_tcnative", tcnativeVersion());
    r.put("openssl", OpenSsl.versionString());
    r.put("jdk", Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
        + System.getProperty("java.vendor") + ")");
    r.put("cpu", BenchJson.cpuModel());
    r.put("nproc", Runtime.getRuntime().availableProcessors());
    r.put("load_avg", Map.of("start", loadStart, "end", loadEnd));
    List<Object> throughput = new ArrayList<>();
    Map<String, Object> handshakes = new LinkedHashMap<>();
    for (Figure f : figures) {
      Map<String, Object> row = new LinkedHashMap<>();
      if (f.size > 0) row.put("message_bytes", f.size);
      row.put(f.size > 0 ? "mb_s" : "per_s", perStack(i -> f.rate[i]));
      row.put("ratio_to_jdk", perStack(f::ratio));
      row.put(f.size > 0 ? "cpu_ms_per_mb" : "cpu_ms_per_handshake", perStack(f::cpuMillisPerUnit));
      if (f.size > 0) {
        throughput.add(row);
      } else {
        Map<String, Object> checks = new LinkedHashMap<>();
        for (int i = 2; i < KEYS.length; i++) {
          checks.put(KEYS[i], f.units[i] == 0 ? 0 : round(f.certificateChecks[i] / f.units[i]));
        }
        // 1.0: every handshake was full (the client checked the certificate); near 0: the sessions were resumed.
        row.put("netty_certificate_checks_per_handshake", checks);
        handshakes.put(f.resumed ? "resumed" : "full", row);
      }
    }
    r.put("throughput", throughput);
    r.put("handshakes", handshakes);
    return r;
  }

  private static Map<String, Object> describe(String stack, String provider, Object negotiated) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stack", stack);
    m.put("provider", provider);
    if (negotiated instanceof Map<?, ?> n) n.forEach((k, v) -> m.put(String.valueOf(k), v));
    return m;
  }

  private static Map<String, Object> perStack(java.util.function.IntToDoubleFunction value) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < KEYS.length; i++) m.put(KEYS[i], round(value.applyAsDouble(i)));
    return m;
  }

  /** Returns the version of a Netty artifact as Netty's own version table reports it. */
  private static String version(String artifact) {
    Version v = Version.identify().get(artifact);
    return v == null ? "unknown" : v.artifactVersion();
  }

  /** Returns netty-tcnative's release from its jar manifest (Netty's version table does not list it). */
  private static String tcnativeVersion() {
    String v = io.netty.internal.tcnative.SSL.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }

  private static void print(PrintStream out, Map<String, Object> r, List<Figure> figures) {
    out.printf("TlsKit vs raw JDK SSLSocket vs Netty %s (JDK and %s engines), loopback, %s %s %s, %s key%n",
        r.get("netty"), r.get("openssl"), r.get("protocol"), r.get("cipher_suite"), r.get("group"), r.get("key"));
    out.printf("Java %s; %s, %s CPUs; load %s -> %s%n", r.get("jdk"), r.get("cpu"), r.get("nproc"),
        ((Map<?, ?>) r.get("load_avg")).get("start"), ((Map<?, ?>) r.get("load_avg")).get("end"));
    out.printf("%-36s", "rate (ratio to raw JDK)");
    for (String name : NAMES) out.printf("%22s", name);
    out.println();
    for (Figure f : figures) {
      out.printf("%-36s", f.label());
      for (int i = 0; i < KEYS.length; i++) out.printf(Locale.ROOT, "%13.1f (%5.2fx)", f.rate[i], f.ratio(i));
      out.println();
    }
    out.printf("%-36s", "process CPU ms per MB | handshake");
    for (String name : NAMES) out.printf("%22s", name);
    out.println();
    for (Figure f : figures) {
      out.printf("%-36s", f.label());
      for (int i = 0; i < KEYS.length; i++) out.printf(Locale.ROOT, "%22.2f", f.cpuMillisPerUnit(i));
      out.println();
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
