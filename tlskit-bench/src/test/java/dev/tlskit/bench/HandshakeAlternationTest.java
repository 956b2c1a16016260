package dev.tlskit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A short run of HandshakeAlternation: no timing assertions, only that every pairing was measured. */
class HandshakeAlternationTest {
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void everyPairingReportsItsCpuAndAllocationPerConnection() throws Exception {
    String report = HandshakeAlternation.measure(true, 40, 20);

    List<String> lines = report.lines().toList();
    assertThat(lines.get(0)).startsWith("resumed handshakes, 40 connections per pairing");
    // the title, per pairing and the control its CPU line and its allocation line, then the ratios
    assertThat(lines).hasSize(12);
    Pattern cpu = Pattern.compile("^(.+?)\\s+process CPU ([0-9.]+) \\(([0-9.]+)\\) us \\| client thread: "
        + "connect\\+handshake ([0-9.]+) \\([0-9.]+\\), ping [0-9.]+ \\([0-9.]+\\), close [0-9.]+ \\([0-9.]+\\) us$");
    Pattern bytes = Pattern.compile("bytes allocated: process ([0-9]+) \\([0-9]+\\) \\| client thread ([0-9]+) "
        + "\\([0-9]+\\)$");
    for (String pairing : new String[] {"TlsKit -> TlsServer", "TlsKit -> JDK server", "JDK -> TlsServer",
        "JDK -> JDK server", "control: JDK -> JDK"}) {
      String line = lines.stream().filter(l -> l.startsWith(pairing + " ")).findFirst().orElseThrow();
      Matcher m = cpu.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      // a handshake costs CPU at both ends: the process's share is more than the client thread's own
      assertThat(Double.parseDouble(m.group(3))).as(line).isPositive();
      assertThat(Double.parseDouble(m.group(4))).as(line).isPositive();
      String next = lines.get(lines.indexOf(line) + 1);
      Matcher b = bytes.matcher(next);
      assertThat(b.find()).as(next).isTrue();
      assertThat(Long.parseLong(b.group(1))).as(next).isGreaterThanOrEqualTo(Long.parseLong(b.group(2)));
      assertThat(Long.parseLong(b.group(2))).as(next).isPositive();
    }
    Matcher ratios = Pattern.compile("^process CPU per connection against JDK -> JDK server, median \\(mean\\): "
        + "TlsKit -> TlsServer [0-9.]+x \\([0-9.]+x\\); TlsKit -> JDK server [0-9.]+x \\([0-9.]+x\\); "
        + "JDK -> TlsServer [0-9.]+x \\([0-9.]+x\\); control: JDK -> JDK ([0-9.]+)x \\([0-9.]+x\\)$")
        .matcher(lines.get(11));
    assertThat(ratios.matches()).as(lines.get(11)).isTrue();
    assertThat(Double.parseDouble(ratios.group(1))).isPositive();
  }

  @Test
  void everyPairingComesAfterEveryOtherAsOftenAsChanceGives() {
    // Rotated, each pairing followed the same one every round and paid for what it left in the caches.
    int n = 5;
    int[][] after = new int[n][n];
    int[] order = new int[n];
    Random random = new Random(18);
    int previous = -1;
    int rounds = 4000;
    for (int c = 0; c < rounds; c++) {
      HandshakeAlternation.shuffle(order, random);
      assertThat(Arrays.stream(order).sorted().toArray()).containsExactly(0, 1, 2, 3, 4);
      for (int i : order) {
        if (previous >= 0) after[i][previous]++;
        previous = i;
      }
    }
    // Within a round each of its 4 neighbouring places holds a given ordered pair with chance 1/20 (800 in 4,000
    // rounds); across a round's boundary, with chance 1/25 (160): about 960 each, give or take 31. A rotation gives
    // most pairs 0.
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) assertThat(after[i][j]).as("%d after %d", i, j).isBetween(850, 1070);
      }
    }
  }
}
