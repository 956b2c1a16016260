package dev.tlskit.bench;

import dev.tlskit.internal.server.RenegotiationGuard;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * Reads application-data records as the JDK's SSLSocket does (the 5-byte header, then the body) through the server's
 * armed {@code RenegotiationGuard} and, as the yardstick, through a pass-through {@code FilterInputStream} over the
 * same bytes: what the guard adds per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class RenegotiationGuardBench {
  @Param({"256", "16384"})
  int recordLength;

  private InputStream guarded;
  private InputStream plain;
  private byte[] buf;

  @Setup
  public void setUp() {
    byte[] record = new byte[5 + recordLength];
    record[0] = 23;
    record[1] = 3;
    record[2] = 3;
    record[3] = (byte) (recordLength >> 8);
    record[4] = (byte) recordLength;
    RenegotiationGuard g = new RenegotiationGuard(new LineInputBench.Endless(record), () -> { });
    g.arm();
    guarded = g;
    plain = new FilterInputStream(new LineInputBench.Endless(record)) { };
    buf = new byte[record.length];
  }

  @Benchmark
  public int guard() throws IOException {
    return readRecord(guarded);
  }

  @Benchmark
  public int passThrough() throws IOException {
    return readRecord(plain);
  }

  private int readRecord(InputStream in) throws IOException {
    int n = in.read(buf, 0, 5);
    return n + in.read(buf, 5, recordLength);
  }
}
