package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.smtp.SendResult;
import dev.tlskit.smtp.SimpleMail;
import dev.tlskit.smtp.SmtpClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlskit serve} with its defaults (only certificate, protocol and spool given) keeps serving while 300
 * slowloris clients trickle a ClientHello one byte every 2 s, 300 clients reset their handshakes half-way, and 200
 * plaintext clients dribble SMTP commands before STARTTLS; afterwards the process's descriptors are back to where
 * they were. Loopback only; the attack lasts about 20 s.
 */
class ServeDefaultsUnderAttackTest {
  private static final int SLOWLORIS = 300;
  private static final int RESETTERS = 300;
  private static final int DRIBBLERS = 200;
  private static final int GOOD_CLIENTS = 10;
  @TempDir Path dir;

  private final AtomicBoolean attacking = new AtomicBoolean(true);
  private final Set<Socket> attackSockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong attackConnections = new AtomicLong();

  @Test
  void withItsDefaultsServeKeepsServingThroughSlowHandshakesResetsAndPlaintextDribblers() throws Exception {
    assertThat(maxOpenFiles()).as("this test holds about 2000 sockets; raise ulimit -n").isGreaterThan(4000);
    ServeTestFiles.create(dir);
    Path spool = dir.resolve("spool");
    TlsClient good = TlsClient.builder().policy(TlsPolicy.builder()
        .trust(Trust.fromFile(dir.resolve("ca.pem"), null)).build()).timeout(Duration.ofSeconds(10)).build();
    String cert = dir.resolve("server.pem").toString();
    String key = dir.resolve("server.key").toString();
    List<Thread> attackers = new ArrayList<>();
    try (ServeRunner echo = new ServeRunner("--cert", cert, "--key", key);
        ServeRunner smtp = new ServeRunner("--cert", cert, "--key", key, "--protocol", "smtp", "--starttls",
            "--spool", spool.toString())) {
      // warm up both paths once, so that what the JVM opens lazily is in the baseline
      echoOnce(good, echo.port, "warm-up");
      mailOnce(good, smtp.port, "warm-up");
      long baseline = LoopbackServers.openFileDescriptors();

      byte[] hello = LoopbackServers.clientHello();
      byte[] ehlo = "EHLO dribbler.test\r\nNOOP\r\nNOOP\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < SLOWLORIS; i++) attackers.add(attack(() -> trickle(echo.port, hello)));
      for (int i = 0; i < RESETTERS; i++) attackers.add(attack(() -> resetMidHandshake(echo.port, hello)));
      for (int i = 0; i < DRIBBLERS; i++) attackers.add(attack(() -> trickle(smtp.port, ehlo)));
      Thread.sleep(4_000); // every attacker connected and holding its socket

      int echoed = 0;
      int mailed = 0;
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < GOOD_CLIENTS; i++) {
        try {
          echoOnce(good, echo.port, "good " + i);
          echoed++;
        } catch (IOException | AssertionError e) {
          failures.add("echo " + i + ": " + e);
        }
        try {
          mailOnce(good, smtp.port, "good " + i);
          mailed++;
        } catch (IOException | AssertionError e) {
          failures.add("smtp " + i + ": " + e);
        }
        Thread.sleep(1_000);
      }
      long peak = LoopbackServers.openFileDescriptors();
      attacking.set(false);
      attackSockets.forEach(LoopbackServers::reset);
      for (Thread t : attackers) t.join(Duration.ofSeconds(5));
      attackSockets.forEach(LoopbackServers::reset); // any opened while stopping

      int shed = count(echo.output(), "refused reason=SHED");
      System.out.printf("ServeDefaultsUnderAttackTest: %d attack connections; served %d/%d echo and %d/%d mail "
          + "clients; %d handshakes shed; descriptors %d at baseline, %d at the peak%n", attackConnections.get(),
          echoed, GOOD_CLIENTS, mailed, GOOD_CLIENTS, shed, baseline, peak);
      assertThat(echoed).as("legitimate echo clients served during the attack; failures: " + failures)
          .isGreaterThanOrEqualTo(GOOD_CLIENTS - 1);
      assertThat(mailed).as("legitimate mail clients served during the attack; failures: " + failures)
          .isGreaterThanOrEqualTo(GOOD_CLIENTS - 1);
      assertThat(peak - baseline).as("the attack held its sockets (client and server side in this process)")
          .isGreaterThan(SLOWLORIS + RESETTERS / 2 + DRIBBLERS);
      assertThat(attackConnections.get()).isGreaterThanOrEqualTo(SLOWLORIS + RESETTERS + DRIBBLERS);
      assertThat(shed).as("the oldest unfinished handshakes were shed")
          .isPositive();

      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long fds;
      while ((fds = LoopbackServers.openFileDescriptors()) > baseline + 5 && System.nanoTime() < end) {
        Thread.sleep(200);
      }
      // a few descriptors of slack: the JVM may open a file lazily (a class, a random source) during the attack
      assertThat(fds).as("descriptors back to the baseline of " + baseline + " (peak " + peak + ")")
          .isLessThanOrEqualTo(baseline + 5);
      echoOnce(good, echo.port, "after");
      mailOnce(good, smtp.port, "after");
    } finally {
      attacking.set(false);
      attackSockets.forEach(LoopbackServers::reset);
    }
  }

  /** Starts a virtual thread that runs {@code attack} until the attack ends; failures just make it start over. */
  private Thread attack(ThrowingRunnable attack) {
    return Thread.ofVirtual().start(() -> {
      while (attacking.get()) {
        try {
          attack.run();
        } catch (IOException | InterruptedException e) {
          // the server closed or shed us: start over after a breath, as a patient attacker would
          try {
            Thread.sleep(100);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    });
  }

  private Socket open(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    attackSockets.add(s);
    attackConnections.incrementAndGet();
    return s;
  }

  /** Sends {@code bytes} one every ~2 s (jittered), for as long as the server keeps the connection. */
  private void trickle(int port, byte[] bytes) throws IOException, InterruptedException {
    Socket s = open(port);
    try {
      OutputStream out = s.getOutputStream();
      Thread.sleep(ThreadLocalRandom.current().nextInt(2_000)); // spread the writes
      for (int i = 0; attacking.get(); i = (i + 1) % bytes.length) {
        out.write(bytes[i]);
        out.flush();
        Thread.sleep(1_800 + ThreadLocalRandom.current().nextInt(400));
      }
    } finally {
      LoopbackServers.reset(s);
      attackSockets.remove(s);
    }
  }

  /** Sends part of a ClientHello, waits a little, and resets the connection (SO_LINGER 0). */
  private void resetMidHandshake(int port, byte[] hello) throws IOException, InterruptedException {
    Socket s = open(port);
    try {
      s.getOutputStream().write(hello, 0, 1 + ThreadLocalRandom.current().nextInt(hello.length - 1));
      s.getOutputStream().flush();
      Thread.sleep(500 + ThreadLocalRandom.current().nextInt(1_000));
    } finally {
      LoopbackServers.reset(s);
      attackSockets.remove(s);
    }
  }

  private static void echoOnce(TlsClient client, int port, String line) throws IOException {
    try (TlsConnection c = client.connectTls("127.0.0.1", port, "localhost")) {
      c.output().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      c.output().flush();
      assertThat(c.readLine(1024)).isEqualTo(line);
    }
  }

  private static void mailOnce(TlsClient client, int port, String subject) throws IOException {
    try (SmtpClient smtp = SmtpClient.connect(client, "127.0.0.1", port, "localhost", TlsMode.STARTTLS,
        "client.test")) {
      smtp.login("alice", "secret".toCharArray());
      SendResult r = smtp.send(SimpleMail.builder().from("alice@example.test").to("bob@example.test")
          .subject(subject).body("under attack").build());
      assertThat(r.accepted()).containsExactly("bob@example.test");
      smtp.quit();
    }
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  /** Returns this process's soft limit on open files (Linux), or Long.MAX_VALUE when it cannot tell. */
  private static long maxOpenFiles() throws IOException {
    Path limits = Path.of("/proc/self/limits");
    if (!Files.exists(limits)) return Long.MAX_VALUE;
    for (String line : Files.readAllLines(limits)) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    return Long.MAX_VALUE;
  }

  private interface ThrowingRunnable {
    void run() throws IOException, InterruptedException;
  }
}
