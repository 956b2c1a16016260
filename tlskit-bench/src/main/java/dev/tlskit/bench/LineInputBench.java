package dev.tlskit.bench;

import dev.tlskit.internal.io.LineInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads protocol lines (an SMTP EHLO reply repeated) with TlsKit's bounded {@code LineInput.readLine} and, as the
 * yardstick, with {@code BufferedReader.readLine} over the same bytes (which has no length bound).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class LineInputBench {
  @Param({"16", "80", "512"})
  int lineLength;

  private LineInput lines;
  private BufferedReader reader;

  @Setup
  public void setUp() {
    StringBuilder block = new StringBuilder();
    while (block.length() < 64 * 1024) {
      block.append("250-").append("X".repeat(Math.max(0, lineLength - 6))).append("\r\n");
    }
    byte[] bytes = block.toString().getBytes(StandardCharsets.US_ASCII);
    lines = new LineInput(new Endless(bytes), 16 * 1024);
    reader = new BufferedReader(new InputStreamReader(new Endless(bytes), StandardCharsets.UTF_8), 16 * 1024);
  }

  @Benchmark
  public String lineInput() throws IOException {
    return lines.readLine(1024);
  }

  @Benchmark
  public String bufferedReader() throws IOException {
    return reader.readLine();
  }

  /** Serves the same block of bytes over and over. */
  static final class Endless extends InputStream {
    private final byte[] data;
    private int pos;

    Endless(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      int b = data[pos] & 0xff;
      pos = (pos + 1) % data.length;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = Math.min(len, data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos = (pos + n) % data.length;
      return n;
    }
  }
}
