package dev.tlskit.cli;

import static dev.tlskit.cli.LoopbackServers.clientHello;
import static dev.tlskit.cli.LoopbackServers.echoOnce;
import static dev.tlskit.cli.LoopbackServers.rawConnect;
import static dev.tlskit.cli.LoopbackServers.reset;
import static dev.tlskit.cli.LoopbackServers.write;
import static dev.tlskit.cli.TlsServerTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ServerMetrics.HandshakeFailure;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-side attacks against {@link TlsServer} (echo over implicit TLS) and the SMTP sink (STARTTLS): slowloris
 * handshakes (silent, and trickling one byte at a time), garbage instead of a ClientHello, resets mid-handshake,
 * floods beyond the connection limit, and plaintext pipelined after STARTTLS. In each, a well-behaved client is
 * served while the attack runs, and the server ends with no connection left open.
 */
class ServerUnderAttackTest {
  private static final TlsClient GOOD = LoopbackServers.client(false, Duration.ofSeconds(5));
  private final List<Socket> attackers = new ArrayList<>();
  private TlsServer server;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    attackers.forEach(LoopbackServers::reset);
    if (server != null) server.shutdown(Duration.ofSeconds(1));
  }

  private Socket attacker() throws IOException {
    Socket s = rawConnect(server.port());
    attackers.add(s);
    return s;
  }

  /** Asserts the server closes {@code s} (end of stream or reset) within {@code max}. */
  private static void closedByServerWithin(Socket s, Duration max) throws IOException {
    long start = System.nanoTime();
    s.setSoTimeout((int) max.toMillis() + 2_000);
    InputStream in = s.getInputStream();
    try {
      while (in.read() >= 0) {
        // the server may send an alert first
      }
    } catch (java.net.SocketException reset) {
      // a reset is a close too
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(max);
  }

  @Test
  void slowlorisHandshakesLoseTheirSlotsWhileGoodClientsAreServed() throws Exception {
    server = LoopbackServers.echo(TlsMode.IMPLICIT).maxConnections(6).handshakeTimeout(Duration.ofMillis(1500))
        .start();
    byte[] hello = clientHello();
    List<Socket> silent = new ArrayList<>();
    for (int i = 0; i < 3; i++) silent.add(attacker());
    AtomicBoolean trickling = new AtomicBoolean(true);
    List<Socket> tricklers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Socket s = attacker();
      tricklers.add(s);
      Thread.ofVirtual().start(() -> { // one byte every 100 ms: each read succeeds, the handshake never ends
        try {
          OutputStream out = s.getOutputStream();
          for (int b = 0; b < hello.length && trickling.get(); b++) {
            out.write(hello[b]);
            out.flush();
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException ignored) {
          // closed by the server, as expected
        }
      });
    }
    eventually(() -> server.metrics().connectionsOpen() == 5);
    for (int i = 0; i < 5; i++) { // one slot left: wait until the server has released the previous good client's
      eventually(() -> server.metrics().connectionsOpen() == 5);
      assertThat(echoOnce(GOOD, server.port(), false, "good " + i)).isPositive();
    }
    for (Socket s : silent) closedByServerWithin(s, Duration.ofSeconds(4));
    for (Socket s : tricklers) closedByServerWithin(s, Duration.ofSeconds(4));
    trickling.set(false);
    eventually(() -> server.metrics().connectionsOpen() == 0);
    assertThat(server.metrics().failed(HandshakeFailure.TIMEOUT)).isEqualTo(5);
    assertThat(echoOnce(GOOD, server.port(), false, "after")).isPositive();
  }

  @Test
  void garbageInsteadOfAClientHelloIsRefusedAndCounted() throws Exception {
    server = LoopbackServers.echo(TlsMode.IMPLICIT).handshakeTimeout(Duration.ofSeconds(1)).start();
    Random random = new Random(8);
    List<byte[]> garbage = new ArrayList<>(List.of(
        "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        "EHLO attacker\r\n".getBytes(StandardCharsets.US_ASCII),
        new byte[] {(byte) 0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10}, // SSLv2 hello
        new byte[] {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff, 0x01, 0x00}, // record longer than TLS allows
        new byte[] {0x16, 0x03, 0x03, 0x00, 0x04, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // bogus length
        new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28})); // an alert first
    byte[] hello = clientHello();
    for (int i = 0; i < 14; i++) { // real ClientHellos with random bytes flipped
      byte[] h = hello.clone();
      for (int k = 0; k < 4; k++) h[5 + random.nextInt(h.length - 5)] ^= (byte) (1 + random.nextInt(255));
      garbage.add(h);
    }
    for (byte[] g : garbage) {
      Socket s = attacker();
      s.getOutputStream().write(g);
      s.getOutputStream().flush();
      closedByServerWithin(s, Duration.ofSeconds(3));
      assertThat(echoOnce(GOOD, server.port(), false, "good")).isPositive();
    }
    eventually(() -> server.metrics().connectionsOpen() == 0);
    assertThat(server.metrics().handshakesFailedTotal()).isEqualTo(garbage.size());
    // a flipped length byte can make the server wait for a record that never comes: the deadline ends those
    assertThat(server.metrics().failed(HandshakeFailure.TIMEOUT)).isLessThanOrEqualTo(14);
    assertThat(server.metrics().failed(HandshakeFailure.NOT_TLS)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void resetsMidHandshakeLeaveNothingBehind() throws Exception {
    server = LoopbackServers.echo(TlsMode.IMPLICIT).start();
    byte[] hello = clientHello();
    for (int i = 0; i < 40; i++) {
      Socket s = rawConnect(server.port());
      s.getOutputStream().write(hello, 0, i % 2 == 0 ? hello.length : hello.length / 2);
      s.getOutputStream().flush();
      if (i % 4 == 0) s.getInputStream().read(); // let the server's first flight start, then cut it
      reset(s);
      if (i % 10 == 0) assertThat(echoOnce(GOOD, server.port(), false, "good " + i)).isPositive();
    }
    // All 44 accepted (a reset connection may still wait in the kernel's accept queue, where it counts as neither
    // open nor total), and none open any more: only then is every outcome counted.
    eventually(() -> server.metrics().connectionsTotal() == 44 && server.metrics().connectionsOpen() == 0);
    assertThat(server.metrics().handshakesFailedTotal()).isEqualTo(40);
    assertThat(server.metrics().handshakesOk()).isEqualTo(4);
    assertThat(server.metrics().failed(HandshakeFailure.TIMEOUT)).isZero();
  }

  @Test
  void aFloodBeyondTheLimitShedsTheOldestUnfinishedAndAGoodClientGetsInAtOnce() throws Exception {
    int limit = 10;
    // a handshake timeout far beyond the test: only shedding can free a slot
    server = LoopbackServers.echo(TlsMode.IMPLICIT).maxConnections(limit).handshakeTimeout(Duration.ofSeconds(60))
        .backlog(256).start();
    int threadsBefore = LoopbackServers.platformThreads();
    List<Socket> flood = new ArrayList<>();
    for (int i = 0; i < 120; i++) flood.add(attacker());
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (server.metrics().connectionsTotal() < 120 && System.nanoTime() < until) {
      assertThat(server.metrics().connectionsOpen()).isLessThanOrEqualTo(limit);
      Thread.sleep(20);
    }
    assertThat(server.metrics().connectionsTotal()).as("every newcomer admitted").isEqualTo(120);
    assertThat(server.metrics().connectionsRefused()).as("none refused while an unfinished one could go").isZero();
    assertThat(LoopbackServers.platformThreads() - threadsBefore).as("no platform thread per connection")
        .isLessThan(10);
    // the oldest 110 were shed, in the order they came; the newest 10 hold the slots
    for (Socket s : flood.subList(0, 110)) closedByServerWithin(s, Duration.ofSeconds(4));
    eventually(() -> server.metrics().failed(HandshakeFailure.SHED) == 110);
    // a good client does not wait for any timeout: it sheds the oldest of the ten
    assertThat(echoOnce(GOOD, server.port(), false, "good")).isPositive();
    closedByServerWithin(flood.get(110), Duration.ofSeconds(4));
    flood.subList(111, 120).forEach(LoopbackServers::reset);
    eventually(() -> server.metrics().connectionsOpen() == 0);
    assertThat(server.metrics().failed(HandshakeFailure.SHED)).isEqualTo(111);
    assertThat(server.metrics().handshakesOk()).isEqualTo(1);
  }

  @Test
  void smtpSinkSurvivesAttacksAtItsStarttls() throws Exception {
    Path spool = dir.resolve("spool");
    server = LoopbackServers.smtpSink(spool).maxConnections(20).handshakeTimeout(Duration.ofMillis(1500)).start();
    byte[] hello = clientHello();
    // 1. STARTTLS then silence; 2. STARTTLS then garbage; 3. STARTTLS, half a ClientHello, reset;
    // 4. STARTTLS with EHLO pipelined in the same segment (CVE-2011-0411)
    Socket silent = starttls(attacker(), "STARTTLS\r\n");
    Socket garbage = starttls(attacker(), "STARTTLS\r\n");
    garbage.getOutputStream().write("MAIL FROM:<evil@example.test>\r\n".getBytes(StandardCharsets.US_ASCII));
    Socket resetter = starttls(attacker(), "STARTTLS\r\n");
    resetter.getOutputStream().write(hello, 0, hello.length / 2);
    reset(resetter);
    Socket injector = starttls(attacker(), "STARTTLS\r\nEHLO injected\r\n");
    assertThat(LoopbackServers.mailOnce(GOOD, server.port(), "during the attacks").accepted())
        .containsExactly("bob@example.test");
    closedByServerWithin(garbage, Duration.ofSeconds(4));
    closedByServerWithin(injector, Duration.ofSeconds(4));
    closedByServerWithin(silent, Duration.ofSeconds(4));
    eventually(() -> server.metrics().connectionsOpen() == 0);
    assertThat(server.metrics().failed(HandshakeFailure.INJECTION_DETECTED)).isGreaterThanOrEqualTo(1);
    assertThat(server.metrics().failed(HandshakeFailure.TIMEOUT)).isEqualTo(1);
    // the reset may reach the server before it reads STARTTLS: then it is a dropped session, not a handshake
    assertThat(server.metrics().handshakesFailedTotal()).isBetween(3L, 4L);
    try (var files = Files.list(spool)) {
      assertThat(files.filter(f -> f.toString().endsWith(".eml")).count()).as("only the good mail").isEqualTo(1);
    }
    assertThat(LoopbackServers.mailOnce(GOOD, server.port(), "after the attacks").accepted()).hasSize(1);
  }

  /** Reads the greeting, says EHLO, reads its reply, then sends {@code upgrade} in one write. */
  private static Socket starttls(Socket s, String upgrade) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII), 1);
    assertThat(r.readLine()).startsWith("220 ");
    write(s.getOutputStream(), "EHLO attacker.test");
    String line;
    do {
      line = r.readLine();
    } while (line.startsWith("250-"));
    s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }
}
