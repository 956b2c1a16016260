package dev.tlskit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A short run of HandshakeThreads: no timing assertions, only that every pairing measured handshakes by thread. */
class HandshakeThreadsTest {
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void everyPairingMakesHandshakesAndCountsItsServerThreads() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "per-thread CPU times come from Linux's /proc");

    String report = HandshakeThreads.measure(false, 300, 2, 800);

    List<String> lines = report.lines().toList();
    assertThat(lines.get(0)).startsWith("full handshakes, 2 rounds of 300 ms slices");
    // the title, then per pairing its CPU line, its context-switch line and its allocation line
    assertThat(lines).hasSize(13);
    Pattern row = Pattern.compile("^(.+?)\\s+(\\d+) hs  process ([0-9.]+)  \\|(.*)$");
    for (String pairing : new String[] {"TlsKit -> TlsServer", "TlsKit -> JDK server", "JDK -> TlsServer",
        "JDK -> JDK server"}) {
      String line = lines.stream().filter(l -> l.startsWith(pairing + " ")).findFirst().orElseThrow();
      Matcher m = row.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      assertThat(Long.parseLong(m.group(2))).as(line).isPositive();
      // both servers serve each connection on a virtual thread: its carriers' CPU is counted
      assertThat(m.group(4)).as(line).contains("ForkJoinPool-#-");
      // the next line: each thread's context switches per handshake, the client's own thread among them
      String switches = lines.get(lines.indexOf(line) + 1);
      assertThat(switches).as(switches).contains("context switches per handshake |")
          .containsPattern("ForkJoinPool-#-=[0-9]+\\.[0-9]+");
      // the one after: bytes allocated per handshake, in all and by the client's thread and the servers' carriers
      String bytes = lines.get(lines.indexOf(line) + 2);
      Matcher b = Pattern.compile("bytes allocated per handshake: process ([0-9]+) \\|(.*)$").matcher(bytes);
      assertThat(b.find()).as(bytes).isTrue();
      assertThat(Long.parseLong(b.group(1))).as(bytes).isPositive();
      assertThat(b.group(2)).as(bytes).containsPattern(" main=[0-9]+").containsPattern("ForkJoinPool-#-=[0-9]+");
    }
  }
}
