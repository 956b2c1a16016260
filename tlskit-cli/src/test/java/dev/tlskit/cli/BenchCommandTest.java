package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.bench.stacks.BenchStacks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The quick mode of {@code tlskit bench}, run in CI as a smoke test: no timing assertions, only that it measures. */
class BenchCommandTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void quickBenchWritesPositiveFiguresForEveryStack(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("bench.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = Main.run(new String[] {"bench", "--quick", "--split", "--seconds", "1", "--json", json.toString()},
        new PrintWriter(out, true), new PrintWriter(err, true));

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString()).contains("TlsKit", "JDK", "ratio", "full handshakes");
    String text = Files.readString(json);
    String throughput = section(text, "throughput");
    String handshakes = section(text, "handshakes");
    assertThat(number(throughput, "tlskit_mb_s")).isPositive();
    assertThat(number(throughput, "jdk_mb_s")).isPositive();
    assertThat(number(handshakes, "tlskit_per_s")).isPositive();
    assertThat(number(handshakes, "jdk_per_s")).isPositive();
    // TlsKit on the native engine (BoringSSL), measured in the same run
    assertThat(number(throughput, "native_mb_s")).isPositive();
    assertThat(number(handshakes, "native_per_s")).isPositive();
    assertThat(text).contains("\"native_provider\": \"BoringSSL");
    assertThat(out.toString()).contains("native");
    assertThat(text).contains("\"provider\": \"SunJSSE\"", "\"cipher_suite\": \"TLS_AES_128_GCM_SHA256\"",
        "\"jdk\": ", "\"cpu\": ");
    assertThat(number(handshakes, "tlskit_jit_cpu_ms_per_handshake")).isNotNegative();
    // --split: each pairing of TlsKit and raw JDK ends made handshakes
    assertThat(out.toString()).contains("Handshake cost by end", "TlsKit -> JDK server", "JDK -> TlsServer");
    for (String pairing : new String[] {"\"client\": \"tlskit\",\n      \"server\": \"jdk\"",
        "\"client\": \"jdk\",\n      \"server\": \"tlskit\"", "\"client\": \"jdk\",\n      \"server\": \"jdk\""}) {
      int at = text.indexOf(pairing);
      assertThat(at).as("pairing %s in %s", pairing, text).isNotNegative();
      String row = text.substring(at, text.indexOf('}', at) + 1);
      assertThat(number(row, "per_s")).isPositive();
      assertThat(number(row, "cpu_ms_per_handshake")).isPositive();
    }
  }

  /** {@code --provider native --only tlskit}: the native engine alone in its JVM (to compare builds of it). */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void nativeProviderAloneMeasuresTheNativeEngine(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("bench.json");
    StringWriter err = new StringWriter();

    int code = Main.run(new String[] {"bench", "--quick", "--seconds", "1", "--provider", "native", "--only",
        "tlskit", "--json", json.toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));

    assertThat(code).as("stderr: %s", err).isZero();
    String text = Files.readString(json);
    assertThat(number(section(text, "throughput"), "tlskit_mb_s")).isPositive();
    assertThat(number(section(text, "handshakes"), "tlskit_per_s")).isPositive();
    assertThat(text).contains("\"provider\": \"TlsKitNative");
  }

  /**
   * {@code --settle}: the handshake figure comes after rounds of handshakes on every stack, until the JIT compiler
   * is quiet or the limit; the run says how long and how busy the compiler still was.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void settleWarmsHandshakesUpInRoundsAndSaysHowItEnded(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("bench.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = Main.run(new String[] {"bench", "--quick", "--settle", "2", "--seconds", "0.5", "--json",
        json.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));

    assertThat(code).as("stderr: %s", err).isZero();
    String handshakes = section(Files.readString(json), "handshakes");
    // one round at least: a second of handshakes on each of the three stacks (TlsKit, JDK, native)
    assertThat(number(handshakes, "warmup_seconds")).isGreaterThanOrEqualTo(2.9);
    assertThat(handshakes).containsPattern("\"jit_quiet\": (true|false)");
    assertThat(number(handshakes, "warmup_last_jit_share")).isBetween(0.0, 1.0);
    assertThat(out.toString()).containsPattern("full: warmed up [0-9]+ s, (until the JIT compiler was quiet|the JIT"
        + " compiler still busy at the limit) \\(JIT compiler [0-9.]+% of the CPU in the last round\\)");
  }

  /**
   * {@code --rounds}: each figure in several rounds of interleaved slices; the JSON and the table give every round's
   * own ratio and their median beside the ratio of the means.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void roundsGiveEachRoundsRatioAndTheirMedian(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("bench.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = Main.run(new String[] {"bench", "--quick", "--rounds", "3", "--seconds", "0.9", "--json",
        json.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));

    assertThat(code).as("stderr: %s", err).isZero();
    String text = Files.readString(json);
    assertThat(number(text, "rounds")).isEqualTo(3);
    for (String figure : new String[] {section(text, "handshakes"), text.substring(text.indexOf("\"by_size\""))}) {
      for (String prefix : new String[] {"", "native_"}) {
        double[] rounds = numbers(figure, prefix + "ratio_rounds");
        assertThat(rounds).hasSize(3);
        assertThat(java.util.Arrays.stream(rounds).min().orElseThrow()).isPositive();
        java.util.Arrays.sort(rounds);
        assertThat(number(figure, prefix + "ratio_median")).isEqualTo(rounds[1]);
      }
    }
    assertThat(out.toString()).containsPattern("full handshakes, 3 rounds: TlsKit / JDK median [0-9.]+x \\([0-9.]+-"
        + "[0-9.]+\\); native / JDK median");
  }

  /**
   * {@code --control}: a second raw JDK stack measured in its own slices beside the others; every figure gets its
   * control / JDK ratio, and with rounds every ratio (TlsKit, native, control) its median's bootstrap interval.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void controlMeasuresTheJdkAgainAndRoundsGiveEveryRatioAnInterval(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("bench.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = Main.run(new String[] {"bench", "--quick", "--control", "--rounds", "2", "--seconds", "0.8", "--json",
        json.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));

    assertThat(code).as("stderr: %s", err).isZero();
    String text = Files.readString(json);
    assertThat(text).contains("\"control\": true", "\"slice_order\": \"balanced\"", "\"slice_order_cycle\": 4",
        "\"resamples\": 2000");
    String handshakes = section(text, "handshakes");
    String bySize = text.substring(text.indexOf("\"by_size\""));
    assertThat(number(section(text, "throughput"), "control_mb_s")).isPositive();
    assertThat(number(bySize, "control_mb_s")).isPositive();
    assertThat(number(handshakes, "control_per_s")).isPositive();
    assertThat(number(handshakes, "control_cpu_ms_per_handshake")).isPositive();
    for (String figure : new String[] {handshakes, bySize}) {
      assertThat(number(figure, "control_ratio")).isPositive();
      for (String prefix : new String[] {"", "native_", "control_"}) {
        double[] rounds = numbers(figure, prefix + "ratio_rounds");
        assertThat(rounds).hasSize(2);
        assertThat(java.util.Arrays.stream(rounds).min().orElseThrow()).isPositive();
        double median = number(figure, prefix + "ratio_median");
        double[] interval = numbers(figure, prefix + "ratio_median_ci95");
        assertThat(interval).hasSize(2);
        assertThat(interval[0]).isLessThanOrEqualTo(median).isGreaterThanOrEqualTo(
            java.util.Arrays.stream(rounds).min().orElseThrow());
        assertThat(interval[1]).isGreaterThanOrEqualTo(median).isLessThanOrEqualTo(
            java.util.Arrays.stream(rounds).max().orElseThrow());
      }
    }
    assertThat(out.toString()).contains("Control: a second raw JDK stack", "control")
        .containsPattern("full handshakes, 2 rounds: TlsKit / JDK median [0-9.]+x \\([0-9.]+-[0-9.]+\\); native / "
            + "JDK median [0-9.]+x \\([0-9.]+-[0-9.]+\\); control / JDK median [0-9.]+x")
        .containsPattern("full handshakes, 95% interval of the median: TlsKit / JDK [0-9.]+-[0-9.]+; native / JDK "
            + "[0-9.]+-[0-9.]+; control / JDK [0-9.]+-[0-9.]+");
  }

  /**
   * The bench's own stacks in the balanced order: over every pair of rounds TlsKit and the control take the same
   * slice positions (the control is TlsKit's A/A twin against the JDK), and without a control the order is the
   * rotated one of earlier runs.
   */
  @Test
  void theControlTakesTlsKitsPositionsInEveryPairOfRounds() {
    BenchStacks.Stack t = stack(), j = stack(), n = stack(), c = stack();
    BenchCommand.Stacks withControl = new BenchCommand.Stacks(null, t, j, n, c);
    for (int pair = 0; pair < 4; pair++) {
      java.util.Map<BenchStacks.Stack, java.util.List<Integer>> at = new java.util.IdentityHashMap<>();
      for (int r = 2 * pair; r < 2 * pair + 2; r++) {
        java.util.List<BenchStacks.Stack> slices = withControl.slices(r);
        assertThat(slices).hasSize(8);
        for (int p = 0; p < slices.size(); p++) {
          at.computeIfAbsent(slices.get(p), k -> new java.util.ArrayList<>()).add(p);
        }
      }
      assertThat(at.get(c).stream().sorted().toList()).as("pair %d", pair)
          .isEqualTo(at.get(t).stream().sorted().toList())
          .isNotEqualTo(at.get(j).stream().sorted().toList());
    }
    assertThat(new BenchCommand.Stacks(null, t, j, n, null).slices(0)).containsExactly(t, n, j, j, n, t);
    assertThat(new BenchCommand.Stacks(null, t, j, n, null).slices(1)).containsExactly(j, n, t, t, n, j);
    assertThat(new BenchCommand.Stacks(null, t, j, null, null).slices(0)).containsExactly(t, j, j, t);
  }

  private static BenchStacks.Stack stack() {
    return new BenchStacks.Stack() {
      @Override
      public BenchStacks.Link connect() {
        throw new UnsupportedOperationException("not connected in this test");
      }

      @Override
      public void close() {}
    };
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void controlWithOneStackIsAUsageError() {
    assertThat(usageError("bench", "--quick", "--control", "--only", "jdk")).contains("--control", "--only");
  }

  @Test
  void zeroRoundsIsAUsageError() {
    assertThat(usageError("bench", "--rounds", "0")).contains("--rounds");
  }

  @Test
  void negativeSettleIsAUsageError() {
    assertThat(usageError("bench", "--settle", "-1")).contains("--settle");
  }

  @Test
  void unknownProviderIsAUsageError() {
    assertThat(usageError("bench", "--provider", "nosuch")).contains("nosuch");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void splitWithOneStackIsAUsageError() {
    assertThat(usageError("bench", "--quick", "--split", "--only", "tlskit")).contains("--split", "--only");
  }

  /** Runs {@code tlskit args}, asserts it is a usage error (exit 2), and returns what it printed on stderr. */
  private static String usageError(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    return err.toString();
  }

  private static String section(String json, String name) {
    int at = json.indexOf("\"" + name + "\": {");
    assertThat(at).as("section %s in %s", name, json).isNotNegative();
    return json.substring(at, json.indexOf('}', at) + 1);
  }

  private static double[] numbers(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\": \\[([^\\]]*)\\]").matcher(json);
    assertThat(m.find()).as("list %s in %s", field, json).isTrue();
    return java.util.Arrays.stream(m.group(1).split(",")).map(String::trim).mapToDouble(Double::parseDouble)
        .toArray();
  }

  private static double number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\": (-?[0-9.Ee+-]+)").matcher(json);
    assertThat(m.find()).as("field %s in %s", field, json).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
