package dev.tlskit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Smoke test of the Netty comparison: a very short run yields a positive figure for every stack and row. */
class NettyComparisonTest {
  @Test
  void shortRunMeasuresEveryStackAndFigure() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Map<String, Object> report = NettyComparison.run(0.05, 0.1, List.of(16384),
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    List<Map<String, Object>> rows = new ArrayList<>();
    for (Object row : (List<?>) report.get("throughput")) rows.add(map(row));
    assertThat(rows).hasSize(1);
    Map<String, Object> handshakes = map(report.get("handshakes"));
    rows.add(map(handshakes.get("full")));
    rows.add(map(handshakes.get("resumed")));
    for (Map<String, Object> row : rows) {
      for (String figure : List.of(row.containsKey("mb_s") ? "mb_s" : "per_s", "ratio_to_jdk",
          row.containsKey("cpu_ms_per_mb") ? "cpu_ms_per_mb" : "cpu_ms_per_handshake")) {
        Map<String, Object> perStack = map(row.get(figure));
        assertThat(perStack.keySet()).as(figure).containsExactly(NettyComparison.KEYS);
        assertThat(perStack.values()).allSatisfy(v -> assertThat((Double) v).as(figure).isPositive());
      }
    }
    // Full means full: the Netty clients checked the server's certificate on every handshake.
    assertThat(map(map(handshakes.get("full")).get("netty_certificate_checks_per_handshake")).values())
        .containsOnly(1.0);
    assertThat(report.get("netty")).asString().startsWith("4.");
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Netty/OpenSSL", "resumed handshakes/s");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }
}
