package dev.tlskit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
    assertThat(lines).hasSize(9); // the title, then per pairing its CPU line and its allocation line
    Pattern cpu = Pattern.compile("^(.+?)\\s+process CPU ([0-9.]+) \\(([0-9.]+)\\) us \\| client thread: "
        + "connect\\+handshake ([0-9.]+) \\([0-9.]+\\), ping [0-9.]+ \\([0-9.]+\\), close [0-9.]+ \\([0-9.]+\\) us$");
    Pattern bytes = Pattern.compile("bytes allocated: process ([0-9]+) \\([0-9]+\\) \\| client thread ([0-9]+) "
        + "\\([0-9]+\\)$");
    for (String pairing : new String[] {"TlsKit -> TlsServer", "TlsKit -> JDK server", "JDK -> TlsServer",
        "JDK -> JDK server"}) {
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
  }
}
