package dev.tlskit.bench;

import dev.tlskit.certs.KeyType;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.Link;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writes and reads application records of one size through TLS 1.3 on loopback: a TlsKit {@code TlsConnection}
 * (against a TlsServer) versus a raw JDK {@code SSLSocket} (against an SSLServerSocket), same key, suite and group.
 * One op is one message written and flushed (so one TLS record up to 16 KiB), or one read call of that size;
 * MB/s = ops/s x recordSize.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class TlsStreamBench {
  @Param({"64", "512", "4096", "16384"})
  int recordSize;

  @Param({"tlskit", "jdk"})
  String stack;

  private Stack server;
  private Link sink;
  private Link source;
  private byte[] message;
  private byte[] readBuffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    BenchStacks.Pki pki = BenchStacks.Pki.create(KeyType.EC_P256);
    Settings s = new Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
    server = stack.equals("tlskit") ? BenchStacks.tlskit(pki, s, true) : BenchStacks.jdk(pki, s, true);
    message = new byte[recordSize];
    readBuffer = new byte[recordSize];
    sink = server.connect();
    DataOutputStream header = new DataOutputStream(sink.out());
    header.write(BenchStacks.THROUGHPUT);
    header.writeLong(Long.MAX_VALUE); // one endless batch: the server reads and discards
    header.flush();
    source = server.connect();
    DataOutputStream request = new DataOutputStream(source.out());
    request.write(BenchStacks.SOURCE);
    request.writeInt(recordSize);
    request.flush();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    sink.close();
    source.close();
    server.close();
  }

  @Benchmark
  public void write() throws IOException {
    sink.out().write(message);
    sink.out().flush();
  }

  @Benchmark
  public int read() throws IOException {
    return source.in().read(readBuffer, 0, readBuffer.length);
  }
}
