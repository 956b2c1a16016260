package dev.tlskit.bench;

import dev.tlskit.TlsPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a TLS client socket's parameters cost per connection: read from the new socket, the policy applied and SNI set,
 * then set ({@code TlsClient} before 2026-12-02), against setting one prepared {@code SSLParameters} (what it does now
 * for a peer name it connected to last, and what the raw JDK harness does). JDK provider, {@code TlsPolicy.MODERN}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class ClientParametersBench {
  private static final String PEER = "bench.example";

  private final TlsPolicy policy = TlsPolicy.MODERN;
  private ServerSocket listener;
  private Socket plain;
  private Socket accepted;
  private SSLSocket ssl;
  private SSLParameters prepared;

  @Setup
  public void setUp() throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    accepted = listener.accept();
    ssl = (SSLSocket) policy.sslContext().getSocketFactory().createSocket(plain, PEER, 443, false);
    prepared = perConnection();
  }

  @TearDown
  public void tearDown() throws IOException {
    plain.close();
    accepted.close();
    listener.close();
  }

  @Benchmark
  public SSLParameters perConnection() {
    SSLParameters p = ssl.getSSLParameters();
    policy.applyTo(p);
    p.setServerNames(List.of(new SNIHostName(PEER)));
    ssl.setSSLParameters(p);
    return p;
  }

  @Benchmark
  public SSLParameters preparedOnce() {
    ssl.setSSLParameters(prepared);
    return prepared;
  }
}
