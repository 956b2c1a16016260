package dev.tlskit.cli;

import static dev.tlskit.cli.LoopbackServers.clientHello;
import static dev.tlskit.cli.LoopbackServers.echoOnce;
import static dev.tlskit.cli.LoopbackServers.rawConnect;
import static dev.tlskit.cli.LoopbackServers.reset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsServer;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak on loopback: 16 workers make thousands of connections to four in-process servers (echo over
 * implicit TLS, echo with STARTTLS, echo with mutual TLS, the SMTP sink with STARTTLS and login), mixed with resets
 * mid-handshake, resets mid-data, client read timeouts and silent clients the server must time out. Every
 * well-behaved exchange must return exactly its data; afterwards no platform thread, file descriptor or direct
 * heap (buffers) may be left over and every server must report zero open connections.
 *
 * <p>CI runs it for {@value #CI_SECONDS} s; {@code -Dtlskit.soak.seconds=N} (or {@code TLSKIT_SOAK_SECONDS=N}) runs
 * the long variant; docs/security.md records the last long run.
 */
class SoakTest {
  static final int CI_SECONDS = 15;
  private static final int WORKERS = 16;

  @TempDir Path dir;

  private final Map<String, LongAdder> done = new ConcurrentHashMap<>();
  private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong bytesEchoed = new AtomicLong();

  @Test
  void thousandsOfMixedConnectionsLeaveNothingBehind() throws Exception {
    int seconds = Integer.getInteger("tlskit.soak.seconds",
        Integer.parseInt(System.getenv().getOrDefault("TLSKIT_SOAK_SECONDS", String.valueOf(CI_SECONDS))));
    // warm up once outside the measurement so lazily started JDK threads (timers, cleaners) are in the baseline
    try (TlsServer warm = LoopbackServers.echo(TlsMode.IMPLICIT).start()) {
      echoOnce(LoopbackServers.client(false, Duration.ofSeconds(10)), warm.port(), false, "warm");
    }
    long heapBefore = heapAfterGc();
    int threadsBefore = LoopbackServers.platformThreads();
    long fdsBefore = LoopbackServers.openFileDescriptors();
    load(seconds); // clients, servers and their TLS session caches are unreachable once it returns
    TlsServerTestSupport.eventually(() -> LoopbackServers.platformThreads() <= threadsBefore + 2);
    if (fdsBefore >= 0) {
      TlsServerTestSupport.eventually(() -> LoopbackServers.openFileDescriptors() <= fdsBefore + 4);
    }
    // Client sockets stay reachable from the write watchdog (TransportSocket) until their write timeout (10 s here)
    // has passed, so the heap comes back within that time, not at once.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long held;
    while ((held = heapAfterGc() - heapBefore) >= 32L << 20 && System.nanoTime() < deadline) Thread.sleep(500);
    assertThat(held).as("heap still held 20 s after the servers stopped").isLessThan(32L << 20);
  }

  /** Runs the mixed load for {@code seconds}, checks every exchange, then stops the servers. */
  private void load(int seconds) throws Exception {
    TlsClient client = LoopbackServers.client(false, Duration.ofSeconds(10));
    TlsClient mutualClient = LoopbackServers.client(true, Duration.ofSeconds(10));
    List<TlsServer> servers = new ArrayList<>();
    TlsServer implicit = start(servers, LoopbackServers.echo(TlsMode.IMPLICIT));
    TlsServer starttls = start(servers, LoopbackServers.echo(TlsMode.STARTTLS));
    TlsServer mutual = start(servers, LoopbackServers.mutualEcho());
    TlsServer sink = start(servers, LoopbackServers.smtpSink(dir.resolve("spool")));
    // silent clients go to a server with a short handshake deadline; the others keep the default (10 s), which a
    // good client's handshake must never come near even on a loaded machine
    TlsServer strict = start(servers, LoopbackServers.echo(TlsMode.IMPLICIT).handshakeTimeout(Duration.ofSeconds(1)));
    byte[] hello = clientHello();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      workers.add(Thread.ofVirtual().name("soak-" + w).start(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end && failures.size() < 10) {
          int dice = random.nextInt(100);
          String kind = dice < 35 ? "implicit" : dice < 55 ? "starttls" : dice < 72 ? "mutual" : dice < 77 ? "mail"
              : dice < 87 ? "reset-handshake" : dice < 93 ? "reset-data" : dice < 99 ? "client-timeout" : "silent";
          try {
            switch (kind) {
              case "implicit" -> bytesEchoed.addAndGet(echoOnce(client, implicit.port(), false, payload(random)));
              case "starttls" -> bytesEchoed.addAndGet(echoOnce(client, starttls.port(), true, payload(random)));
              case "mutual" -> bytesEchoed.addAndGet(echoOnce(mutualClient, mutual.port(), false, payload(random)));
              case "mail" -> assertThat(LoopbackServers.mailOnce(client, sink.port(), "soak").accepted()).hasSize(1);
              case "reset-handshake" -> resetMidHandshake(implicit.port(), hello, random.nextInt(hello.length));
              case "reset-data" -> resetMidData(client, implicit.port(), payload(random));
              case "client-timeout" -> clientTimeout(starttls.port());
              default -> silent(strict.port());
            }
            done.computeIfAbsent(kind, k -> new LongAdder()).increment();
          } catch (Throwable e) {
            failures.add(kind + ": " + e);
          }
        }
      }));
    }
    for (Thread t : workers) t.join();
    assertThat(failures).as("well-behaved exchanges that failed; servers: %s",
        servers.stream().map(TlsServer::metrics).toList()).isEmpty();
    long total = done.values().stream().mapToLong(LongAdder::sum).sum();
    System.out.printf("soak: %d s, %d connections %s, %d bytes echoed%n", seconds, total, done, bytesEchoed.get());
    assertThat(total).as("connections made (a loaded 2-core machine makes ~600 in 15 s)").isGreaterThan(100L);
    for (TlsServer s : servers) {
      TlsServerTestSupport.eventually(() -> s.metrics().connectionsOpen() == 0);
      assertThat(s.shutdown(Duration.ofSeconds(2))).isTrue();
    }
    assertThat(implicit.metrics().handshakesOk()).isGreaterThanOrEqualTo(count("implicit") + count("reset-data"));
    assertThat(mutual.metrics().handshakesOk()).isEqualTo(count("mutual"));
  }

  private long count(String kind) {
    LongAdder a = done.get(kind);
    return a == null ? 0 : a.sum();
  }

  private static TlsServer start(List<TlsServer> servers, TlsServer.Builder b) throws IOException {
    TlsServer s = b.maxConnections(256).idleTimeout(Duration.ofSeconds(10)).start();
    servers.add(s);
    return s;
  }

  private static String payload(ThreadLocalRandom random) {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(1, 8 * 1024);
    for (int i = 0; i < n; i++) sb.append((char) ('!' + random.nextInt(94)));
    return sb.toString();
  }

  private static void resetMidHandshake(int port, byte[] hello, int cut) throws IOException {
    Socket s = rawConnect(port);
    s.getOutputStream().write(hello, 0, cut);
    s.getOutputStream().flush();
    reset(s);
  }

  private static void resetMidData(TlsClient client, int port, String line) throws IOException {
    TlsConnection c = client.connectTls("127.0.0.1", port, "localhost");
    LoopbackServers.write(c.output(), line);
    reset(c.socket());
    c.close();
  }

  private static void clientTimeout(int port) throws IOException {
    try (Socket s = rawConnect(port)) {
      while (s.getInputStream().read() != '\n') {
        // the greeting line
      }
      s.setSoTimeout(50);
      try {
        s.getInputStream().read(new byte[256]); // the server says nothing more until we do
        throw new AssertionError("the server answered a client that said nothing");
      } catch (SocketTimeoutException expected) {
        // the client gives up
      }
    }
  }

  /** Opens a connection and says nothing; the server's handshake deadline must close it. */
  private static void silent(int port) throws IOException {
    try (Socket s = rawConnect(port)) {
      s.setSoTimeout(5_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  /**
   * Returns the heap in use after full collections: what live objects (connection buffers among them) hold. Several
   * rounds, because sockets and TLS engines are freed by cleaners only after the collection that finds them.
   */
  private static long heapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      least = Math.min(least, rt.totalMemory() - rt.freeMemory());
    }
    return least;
  }
}
