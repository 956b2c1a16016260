package dev.tlskit.nativetls;

import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.TRUST_ROOT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerHandler;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.TicketKeyFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fleet of three TlsServers with the PROXY protocol behind a real HAProxy (TCP mode, send-proxy-v2, round robin,
 * health checks, redispatch) on loopback, with one TlsKit client reconnecting through it. The client caches its
 * session under HAProxy's address, so every reconnection offers the last session to whichever instance it lands on.
 */
class FleetTest {
  private static final int INSTANCES = 3;
  private static final Pattern GREETING = Pattern.compile("instance (\\d) client (\\S+):(\\d+) via (\\S+):(\\d+)");

  @TempDir Path dir;
  private final List<TlsServer> servers = new ArrayList<>();
  private final List<NativeTicketKeys> keys = new ArrayList<>();
  private Haproxy haproxy;

  @BeforeEach
  void requireHaproxy() {
    Haproxy.require();
  }

  @AfterEach
  void stop() {
    if (haproxy != null) haproxy.close();
    servers.forEach(s -> s.shutdown(Duration.ZERO));
  }

  /** Greets with the instance's number, the client address it sees (from the PROXY header) and HAProxy's; echoes. */
  private static ServerHandler instance(int i) {
    return c -> {
      c.writeLine("instance " + i + " client " + hostPort(c.remoteAddress()) + " via "
          + hostPort(c.transportRemoteAddress()));
      String line;
      while ((line = c.readLine(1000)) != null) c.writeLine(line);
    };
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Starts the instances on {@code policy}, sharing {@code ticketKeys} when not null, and HAProxy before them. */
  private void fleet(TlsPolicy policy, Path ticketKeys) throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      TlsServer.Builder b = TlsServer.builder(instance(i), ServerCertificates.of(GOOD.certifiedKey())).policy(policy)
          .proxyProtocol(true).listen("127.0.0.1", 0).watchCertificates(Duration.ofMillis(100))
          .drainTimeout(Duration.ofSeconds(10));
      if (ticketKeys != null) {
        NativeTicketKeys k = NativeTicketKeys.fromFile(ticketKeys);
        keys.add(k);
        b.sessionTicketKeys(k);
      }
      TlsServer s = b.start();
      servers.add(s);
      ports.add(s.port());
    }
    haproxy = Haproxy.start(dir, ports);
  }

  /** One reconnection: which instance served it, what it saw, and whether the session was resumed. */
  record Visit(int instance, String seenHost, int seenPort, String viaHost, int viaPort, int clientPort,
      boolean resumed) {}

  /** Connects through HAProxy, reads the greeting, echoes one line; {@code open} keeps the connection open. */
  private Visit visit(TlsClient client, List<TlsConnection> open) throws IOException {
    TlsConnection c = client.connectTls("127.0.0.1", haproxy.port(), "localhost");
    try {
      String greeting = c.readLine(200);
      Matcher m = GREETING.matcher(greeting == null ? "" : greeting);
      assertThat(m.matches()).as("greeting %s", greeting).isTrue();
      assertThat(echo(c, "ping")).isEqualTo("ping");
      Visit v = new Visit(Integer.parseInt(m.group(1)), m.group(2), Integer.parseInt(m.group(3)), m.group(4),
          Integer.parseInt(m.group(5)), c.socket().getLocalPort(), c.securityInfo().resumed());
      if (open != null) open.add(c);
      else c.close();
      return v;
    } catch (IOException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  private static String echo(TlsConnection c, String line) throws IOException {
    c.output().write((line + "\r\n").getBytes(US_ASCII));
    c.output().flush();
    return c.readLine(200);
  }

  private static TlsClient client(String version) {
    return TlsClient.builder().policy(TRUST_ROOT.toBuilder().protocols(version).build())
        .timeout(Duration.ofSeconds(10)).build();
  }

  private static long resumed(List<Visit> visits) {
    return visits.stream().filter(Visit::resumed).count();
  }

  private static Set<Integer> instances(List<Visit> visits) {
    return new TreeSet<>(visits.stream().map(Visit::instance).toList());
  }

  private static void report(String what, List<Visit> visits) {
    System.out.printf("fleet: %s: %d of %d reconnections resumed (%.0f %%), instances %s%n", what, resumed(visits),
        visits.size(), 100.0 * resumed(visits) / visits.size(), instances(visits));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void eachInstanceSeesTheRealClientAddressAndTheJdkEngineResumesRarelyAcrossInstances(String version)
      throws Exception {
    fleet(TRUST_ROOT.toBuilder().protocols(version).build(), null);
    TlsClient client = client(version);
    visit(client, null);
    List<Visit> visits = new ArrayList<>();
    for (int i = 0; i < 30; i++) visits.add(visit(client, null));

    assertThat(instances(visits)).containsExactly(0, 1, 2);
    for (Visit v : visits) {
      assertThat(v.seenHost()).isEqualTo("127.0.0.1");
      assertThat(v.seenPort()).as("the client's own port, from the PROXY header").isEqualTo(v.clientPort());
    }
    // HAProxy's own connection to the instance comes from another port (the kernel may pick the client's number
    // again now and then, towards another destination): where they differ, the port seen came from the header
    assertThat(visits).as("HAProxy's port to the instance").anyMatch(v -> v.viaPort() != v.clientPort());
    report("JDK engine, own ticket keys per instance, " + version, visits);
    assertThat(resumed(visits)).as("the baseline: a session resumes only on the instance that issued it")
        .isLessThan(visits.size() * 95 / 100);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void sharedTicketKeysOnTheNativeEngineResumeAcrossInstances(String version) throws Exception {
    requireNativeEngine();
    Path file = dir.resolve("ticket.keys");
    TicketKeyFile.rotate(file, 3);
    fleet(TRUST_ROOT.toBuilder().protocols(version).provider(NativeTls.provider()).build(), file);
    TlsClient client = client(version);
    assertThat(visit(client, null).resumed()).isFalse();
    List<Visit> visits = new ArrayList<>();
    for (int i = 0; i < 60; i++) visits.add(visit(client, null));

    report("native engine, shared ticket keys, " + version, visits);
    assertThat(instances(visits)).containsExactly(0, 1, 2);
    assertThat(resumed(visits)).isGreaterThanOrEqualTo(visits.size() * 95 / 100);
    for (Visit v : visits) assertThat(v.seenPort()).isEqualTo(v.clientPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aKeyRotationLosesNoConnectionAndResumptionsContinue(String version) throws Exception {
    requireNativeEngine();
    Path file = dir.resolve("ticket.keys");
    TicketKeyFile.rotate(file, 3);
    fleet(TRUST_ROOT.toBuilder().protocols(version).provider(NativeTls.provider()).build(), file);
    TlsClient client = client(version);
    List<TlsConnection> open = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) visit(client, open); // one established connection on each instance
    List<Visit> before = new ArrayList<>();
    for (int i = 0; i < 15; i++) before.add(visit(client, null));

    String newKey = TicketKeyFile.rotate(file, 3).get(0).id(); // the old key decrypts only, from now on
    List<Visit> window = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!keys.stream().allMatch(k -> k.toString().contains("encrypting with " + newKey))) {
      assertThat(System.nanoTime()).as("every instance reloads the keys").isLessThan(end);
      window.add(visit(client, null)); // reconnections while the instances pick the new file up
    }
    Visit first = visit(client, null);
    assertThat(first.resumed()).as("a ticket issued under the old key still decrypts").isTrue();
    List<Visit> after = new ArrayList<>();
    for (int i = 0; i < 30; i++) after.add(visit(client, null));

    for (TlsConnection c : open) {
      assertThat(echo(c, "still here")).as("an established connection survives the rotation").isEqualTo("still here");
      c.close();
    }
    report("before rotation, " + version, before);
    if (!window.isEmpty()) report("during the rotation window, " + version, window);
    report("after rotation, " + version, after);
    assertThat(resumed(before)).isGreaterThanOrEqualTo(before.size() * 95 / 100);
    assertThat(resumed(after)).isEqualTo(after.size());
  }

  @Test
  void drainingOneInstanceDropsNoRequestWhileHaproxySendsToTheOthers() throws Exception {
    fleet(TRUST_ROOT, null);
    TlsClient client = client("TLSv1.3");
    List<TlsConnection> open = new ArrayList<>();
    Visit onDrained;
    do {
      onDrained = visit(client, open); // until one connection is established on instance 1
      if (onDrained.instance() != 1) open.remove(open.size() - 1).close();
    } while (onDrained.instance() != 1);
    TlsConnection established = open.get(0);

    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Visit> during = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> load = IntStream.range(0, 2).mapToObj(t -> Thread.ofVirtual().start(() -> {
      TlsClient own = client("TLSv1.3");
      while (!stop.get()) {
        try {
          during.add(visit(own, null));
        } catch (Throwable e) {
          failures.add(e);
        }
      }
    })).toList();
    Thread.sleep(500);
    boolean[] drained = new boolean[1];
    Thread drain = Thread.ofVirtual().start(() -> drained[0] = servers.get(1).shutdown(Duration.ofSeconds(10)));
    Thread.sleep(1000);
    assertThat(echo(established, "during drain")).as("the draining instance serves its open connection")
        .isEqualTo("during drain");
    established.close();
    drain.join(15_000);
    int atDrainEnd = during.size();
    Thread.sleep(1000);
    stop.set(true);
    for (Thread t : load) t.join(15_000);

    assertThat(failures).as("requests dropped").isEmpty();
    assertThat(drained[0]).as("the instance drained within its drain time").isTrue();
    assertThat(during.subList(atDrainEnd, during.size())).isNotEmpty()
        .allMatch(v -> v.instance() != 1, "served by the instances still running");
    System.out.printf("fleet: drain: %d requests during and after the drain, none dropped%n", during.size());
  }

  private static void requireNativeEngine() {
    Assumptions.assumeTrue(NativeTls.isAvailable(), "the native engine cannot load here: " + NativeTls.version());
  }
}
