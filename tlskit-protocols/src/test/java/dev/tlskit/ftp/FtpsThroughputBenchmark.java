package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlskit.TlsClient;
import dev.tlskit.ftp.testing.Vsftpd;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Download throughput of {@link FtpSession#retrieve} against curl, same vsftpd, same 100 MiB file, same run, both
 * over explicit FTPS with TLS 1.3 and a resumed data session. Not a test: runs only with {@code -Dtlskit.bench=true}
 * and prints a BENCHMARKS.md line. Transfer time only (curl: total minus pre-transfer; TlsKit: data connection open
 * to final reply), after one warm-up download each.
 */
class FtpsThroughputBenchmark {
  private static final int SIZE = 100 * 1024 * 1024;
  private static final int ROUNDS = 5;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void downloadThroughputAgainstCurl() throws Exception {
    assumeTrue(Boolean.getBoolean("tlskit.bench"), "benchmark: run with -Dtlskit.bench=true");
    try (Vsftpd v = Vsftpd.start(Files.createDirectory(tmp.resolve("srv")), false, null)) {
      byte[] data = new byte[SIZE];
      new Random(1).nextBytes(data);
      v.put("bench.bin", data);
      List<Double> curl = new ArrayList<>();
      List<Double> tlskit = new ArrayList<>();
      FtpClient ftp = FtpClient.builder().client(TlsClient.builder().policy(v.policy()).build()).build();
      try (FtpSession s = ftp.connect("127.0.0.1", v.port, "localhost")) {
        s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
        curl(v); // warm-up
        s.retrieve("bench.bin", OutputStream.nullOutputStream(), 0, TransferListener.NONE);
        for (int i = 0; i < ROUNDS; i++) { // alternate, so that load from other processes hits both alike
          curl.add(curl(v));
          TransferResult r = s.retrieve("bench.bin", OutputStream.nullOutputStream(), 0, TransferListener.NONE);
          assertThat(r.protection().sessionResumed()).isTrue();
          tlskit.add(r.bytesPerSecond() / 1e6);
        }
      }
      System.out.printf(Locale.ROOT, "FTPS download, 100 MiB, TLS 1.3, vsftpd 3.0.3 on loopback: TlsKit median %.0f MB/s"
          + " %s, curl median %.0f MB/s %s%n", median(tlskit), round(tlskit), median(curl), round(curl));
    }
  }

  private static double curl(Vsftpd v) throws Exception {
    Process p = new ProcessBuilder("curl", "-sS", "--ssl-reqd", "--cacert", v.cert.toString(), "--user",
        Vsftpd.USER + ":" + Vsftpd.PASSWORD, "-o", "/dev/null", "-w", "%{size_download} %{time_pretransfer} "
        + "%{time_total}", "ftp://localhost:" + v.port + "/bench.bin").redirectErrorStream(true).start();
    String[] f = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
    p.waitFor(60, TimeUnit.SECONDS);
    assertThat(Long.parseLong(f[0])).isEqualTo(SIZE);
    return Long.parseLong(f[0]) / (Double.parseDouble(f[2]) - Double.parseDouble(f[1])) / 1e6;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static String round(List<Double> xs) {
    List<String> out = new ArrayList<>();
    for (double x : xs) out.add(String.format(Locale.ROOT, "%.0f", x));
    return out.toString();
  }
}
