package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ServerMetrics.HandshakeFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsServerTest {
  @TempDir static Path dir;
  static ServerTestPki pki;
  static ServerTestPki.Issued serverA;
  static ServerTestPki.Issued serverB;
  static ServerTestPki.Issued alice;

  TlsServer server;

  @BeforeAll
  static void pki() throws Exception {
    pki = ServerTestPki.create(dir, "Server Test CA");
    serverA = pki.server("a.test", "localhost");
    serverB = pki.server("b.test", "*.wild.test");
    alice = pki.client("alice");
  }

  @AfterEach
  void stop() {
    if (server != null) server.shutdown(Duration.ofSeconds(1));
  }

  static final ServerHandler ECHO = c -> {
    while (true) {
      String line = c.readLine(1024);
      if (line.equals("quit")) return;
      c.writeLine(line);
    }
  };

  static ServerCertificates certs(ServerTestPki.Issued... issued) throws IOException {
    ServerCertificates.Builder b = ServerCertificates.builder();
    for (ServerTestPki.Issued i : issued) b.addPemFiles(i.chainFile(), i.keyFile());
    return b.build();
  }

  SSLSocket tls(SSLContext ctx, String sni) throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port());
    s.setSoTimeout(10_000);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  static String exchange(Socket s, String line) throws IOException {
    s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
  }

  static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for: " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void implicitTlsServesTheHandlerAndCountsIt() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).start();
    try (SSLSocket s = tls(pki.clientContext(null), "a.test")) {
      assertThat(exchange(s, "hello")).isEqualTo("hello");
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
    eventually("connection closed", () -> server.metrics().connectionsOpen() == 0);
    ServerMetrics m = server.metrics();
    assertThat(m.connectionsTotal()).isEqualTo(1);
    assertThat(m.handshakesOk()).isEqualTo(1);
    assertThat(m.bytesIn()).isEqualTo("hello\r\n".length());
    assertThat(m.bytesOut()).isEqualTo("hello\r\n".length());
  }

  @Test
  void aConnectionEndingInAnErrorBuildsNoLogMessageWhileDebugIsOff() throws Exception {
    assertThat(System.getLogger("dev.tlskit.server").isLoggable(System.Logger.Level.DEBUG)).isFalse();
    java.util.concurrent.atomic.AtomicInteger described = new java.util.concurrent.atomic.AtomicInteger();
    IOException reset = new java.net.SocketException("Connection reset") {
      @Override
      public String toString() {
        described.incrementAndGet(); // what building the DEBUG line ("... ended: " + e) calls
        return super.toString();
      }
    };
    LinkedBlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();
    server = TlsServer.builder(c -> {
      c.readLine(1024);
      throw reset;
    }, certs(serverA)).listener(new ServerListener() {
      @Override
      public void closed(ServerConnection connection, Throwable error) {
        ended.add(error);
      }
    }).start();
    try (SSLSocket s = tls(pki.clientContext(null), "a.test")) {
      s.getOutputStream().write("go\r\n".getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      assertThat(s.getInputStream().read()).isEqualTo(-1); // the server closed the connection
    }
    assertThat(ended.poll(10, TimeUnit.SECONDS)).isSameAs(reset); // the listener still hears of it
    assertThat(described).hasValue(0);
  }

  @Test
  void starttlsRefusesPlaintextPipelinedAfterTheUpgradeCommand() throws Exception {
    CopyOnWriteArrayList<String> answered = new CopyOnWriteArrayList<>();
    ServerHandler smtpish = c -> {
      c.writeLine("220 ready");
      while (true) {
        String cmd = c.readLine(512);
        if (cmd.equals("STARTTLS")) {
          c.upgradeToTls("220 go ahead");
        } else {
          answered.add(cmd + (c.isTls() ? " over TLS" : " in plaintext"));
          c.writeLine("250 " + cmd);
        }
      }
    };
    server = TlsServer.builder(smtpish, certs(serverA)).mode(TlsMode.STARTTLS).start();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(r.readLine()).isEqualTo("220 ready");
      OutputStream out = s.getOutputStream();
      out.write("STARTTLS\r\nEHLO x\r\n".getBytes(StandardCharsets.US_ASCII)); // one write, one segment
      out.flush();
      assertThat(r.readLine()).as("no reply at all: neither the 220 nor the injected EHLO's").isNull();
    }
    eventually("refusal counted", () -> server.metrics().failed(HandshakeFailure.INJECTION_DETECTED) == 1);
    assertThat(answered).isEmpty();

    // The honest client, which waits for the 220, gets TLS and its commands answered over TLS.
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(r.readLine()).isEqualTo("220 ready");
      s.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(r.readLine()).isEqualTo("220 go ahead");
      SSLSocket ssl = (SSLSocket) pki.clientContext(null).getSocketFactory().createSocket(s, "a.test", 0, true);
      ssl.startHandshake();
      assertThat(exchange(ssl, "EHLO x")).isEqualTo("250 EHLO x");
    }
    assertThat(answered).containsExactly("EHLO x over TLS");
  }

  @Test
  void sniChoosesTheCertificateAndTheFirstIsTheDefault() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA, serverB)).start();
    // A fresh client context each time: the JDK client resends a cached session's SNI to the same host:port.
    assertThat(leafOf(tls(pki.clientContext(null), "b.test"))).isEqualTo(serverB.leaf());
    assertThat(leafOf(tls(pki.clientContext(null), "x.wild.test"))).isEqualTo(serverB.leaf());
    assertThat(leafOf(tls(pki.clientContext(null), "a.test"))).isEqualTo(serverA.leaf());
    assertThat(leafOf(tls(pki.clientContext(null), null))).isEqualTo(serverA.leaf());
    SSLSocket unknown = (SSLSocket) pki.clientContext(null).getSocketFactory()
        .createSocket("127.0.0.1", server.port());
    SSLParameters p = unknown.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName("other.test")));
    p.setEndpointIdentificationAlgorithm(null);
    unknown.setSSLParameters(p);
    unknown.startHandshake();
    assertThat(unknown.getSession().getPeerCertificates()[0]).isEqualTo(serverA.leaf());
    unknown.close();
  }

  @Test
  void unknownServerNameIsRejectedWhenConfigured() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA, serverB)).rejectUnknownServerNames(true).start();
    assertThat(leafOf(tls(pki.clientContext(null), "b.test"))).isEqualTo(serverB.leaf());
    assertThatThrownBy(() -> tls(pki.clientContext(null), "other.test")).hasMessageContaining("unrecognized_name");
    eventually("refusal counted", () -> server.metrics().failed(HandshakeFailure.UNRECOGNIZED_NAME) == 1);
  }

  /** Copies a credential's files over the ones a server reads (key first, as a careful deploy script does). */
  static void install(ServerTestPki.Issued issued, Path chain, Path key) throws IOException {
    Files.copy(issued.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(issued.chainFile(), chain, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void reloadSwapsCertificatesWithoutDroppingLiveConnections() throws Exception {
    Path chain = dir.resolve("live-chain.pem");
    Path key = dir.resolve("live.key");
    install(serverA, chain, key);
    server = TlsServer.builder(ECHO, ServerCertificates.builder().addPemFiles(chain, key).build()).start();
    SSLContext ctx = pki.clientContext(null);
    try (SSLSocket before = tls(ctx, "a.test")) {
      assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(serverA.leaf());
      ServerTestPki.Issued renewed = pki.server("a.test", "localhost");
      install(renewed, chain, key);
      server.reload();
      assertThat(exchange(before, "still here")).isEqualTo("still here");
      try (SSLSocket after = tls(pki.clientContext(null), "a.test")) {
        assertThat(leafOf(after)).isEqualTo(renewed.leaf());
      }
      assertThat(exchange(before, "and still")).isEqualTo("and still");
    }
  }

  @Test
  void reloadOfAMismatchedKeyKeepsThePreviousCertificate() throws Exception {
    Path chain = dir.resolve("mismatch-chain.pem");
    Path key = dir.resolve("mismatch.key");
    install(serverA, chain, key);
    server = TlsServer.builder(ECHO, ServerCertificates.builder().addPemFiles(chain, key).build()).start();
    Files.copy(serverB.chainFile(), chain, StandardCopyOption.REPLACE_EXISTING); // key not yet replaced
    assertThatThrownBy(server::reload).hasMessageContaining("does not belong");
    assertThat(leafOf(tls(pki.clientContext(null), "a.test"))).isEqualTo(serverA.leaf());
  }

  @Test
  void watchedCertificateFilesAreReloadedWhenTheyChange() throws Exception {
    Path chain = dir.resolve("watched-chain.pem");
    Path key = dir.resolve("watched.key");
    install(serverA, chain, key);
    server = TlsServer.builder(ECHO, ServerCertificates.builder().addPemFiles(chain, key).build())
        .watchCertificates(Duration.ofMillis(100)).start();
    ServerTestPki.Issued renewed = pki.server("a.test");
    install(renewed, chain, key);
    eventually("new certificate served", () -> server.certificates().leaves().get(0).equals(renewed.leaf()));
    assertThat(leafOf(tls(pki.clientContext(null), "a.test"))).isEqualTo(renewed.leaf());
  }

  @Test
  void aClientThatNeverFinishesItsHandshakeLosesItsSlot() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).maxConnections(1)
        .handshakeTimeout(Duration.ofMillis(500)).start();
    try (Socket silent = new Socket("127.0.0.1", server.port())) {
      silent.setSoTimeout(10_000);
      long start = System.nanoTime();
      assertThat(silent.getInputStream().read()).as("server closes the silent client").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    eventually("slot freed", () -> server.metrics().connectionsOpen() == 0);
    try (SSLSocket s = tls(pki.clientContext(null), "a.test")) {
      assertThat(exchange(s, "my turn")).isEqualTo("my turn");
    }
    assertThat(server.metrics().failed(HandshakeFailure.TIMEOUT)).isEqualTo(1);
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).maxConnections(1).start();
    try (SSLSocket first = tls(pki.clientContext(null), "a.test")) {
      assertThat(exchange(first, "secured")).isEqualTo("secured"); // an unsecured one would be shed instead
      try (Socket second = new Socket("127.0.0.1", server.port())) {
        second.setSoTimeout(10_000);
        assertThat(second.getInputStream().read()).isEqualTo(-1);
        assertThat(exchange(first, "ok")).isEqualTo("ok");
      }
    }
    assertThat(server.metrics().connectionsRefused()).isEqualTo(1);
  }

  @Test
  void aNewConnectionShedsTheOldestUnsecuredOneWhenTheHandshakeLimitIsReached() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).maxConnections(10).maxHandshakes(2).start();
    try (Socket oldest = silent(); Socket older = silent()) {
      eventually("two unsecured", () -> server.metrics().connectionsOpen() == 2);
      try (SSLSocket newest = tls(pki.clientContext(null), "a.test")) { // the third: the oldest makes room
        assertThat(exchange(newest, "admitted")).isEqualTo("admitted");
        assertThat(oldest.getInputStream().read()).as("the oldest was shed").isEqualTo(-1);
        // the newest is secured now, so it no longer counts: one more unsecured fits, the one after sheds "older"
        try (Socket another = silent(); Socket yetAnother = silent()) {
          assertThat(older.getInputStream().read()).as("then the next oldest").isEqualTo(-1);
          assertThat(exchange(newest, "still served")).isEqualTo("still served");
          eventually("counted", () -> server.metrics().failed(HandshakeFailure.SHED) == 2);
          assertThat(server.metrics().connectionsRefused()).isZero();
          assertThat(server.metrics().connectionsOpen()).as("newest, another, yetAnother").isEqualTo(3);
        }
      }
    }
  }

  @Test
  void atTheConnectionLimitAnUnsecuredConnectionIsShedRatherThanTheNewcomerRefused() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).maxConnections(3).start();
    try (SSLSocket a = tls(pki.clientContext(null), "a.test"); SSLSocket b = tls(pki.clientContext(null), "a.test")) {
      assertThat(exchange(a, "a")).isEqualTo("a");
      assertThat(exchange(b, "b")).isEqualTo("b");
      try (Socket stalled = silent()) {
        eventually("three open", () -> server.metrics().connectionsOpen() == 3);
        try (SSLSocket c = tls(pki.clientContext(null), "a.test")) {
          assertThat(exchange(c, "c")).as("admitted by shedding the stalled handshake").isEqualTo("c");
          assertThat(stalled.getInputStream().read()).isEqualTo(-1);
          try (Socket refused = silent()) { // now all three are secured, and secured ones are never shed
            assertThat(refused.getInputStream().read()).isEqualTo(-1);
          }
          assertThat(exchange(a, "a again") + exchange(b, "b again")).isEqualTo("a againb again");
        }
      }
    }
    assertThat(server.metrics().failed(HandshakeFailure.SHED)).isEqualTo(1);
    assertThat(server.metrics().connectionsRefused()).isEqualTo(1);
  }

  @Test
  void maxHandshakesAboveMaxConnectionsIsRefusedNamingBoth() {
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs(serverA)).maxConnections(10).maxHandshakes(11).start())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHandshakes 11")
        .hasMessageContaining("maxConnections 10");
  }

  /** Opens a TCP connection that never sends a byte. */
  Socket silent() throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(10_000);
    return s;
  }

  @Test
  void refusalsAtTheLimitAreLoggedOnceThenSummarizedWhileMetricsCountEach() throws Exception {
    int refusals = 40;
    try (LogCapture log = LogCapture.of("dev.tlskit.server")) {
      server = TlsServer.builder(ECHO, certs(serverA)).maxConnections(1).start();
      long start = System.nanoTime();
      try (SSLSocket first = tls(pki.clientContext(null), "a.test")) {
        assertThat(exchange(first, "holding the only slot")).isEqualTo("holding the only slot");
        for (int i = 0; i < refusals; i++) {
          try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
          }
        }
      }
      assertThat(server.metrics().connectionsRefused()).isEqualTo(refusals);
      server.shutdown(Duration.ofSeconds(1)); // logs the summary of the interval still running
      long intervals = (System.nanoTime() - start) / TlsServer.LOG_INTERVAL.toNanos();
      List<String> lines = log.messages().stream().filter(m -> m.contains("refused")).toList();
      // the first refusal, one summary per interval that ended, the one written at shutdown
      assertThat(lines).hasSizeLessThanOrEqualTo(2 + (int) intervals);
      assertThat(lines.get(0)).startsWith("WARNING refused /127.0.0.1:")
          .contains("1 connections open and secured (the limit)");
      long summarized = 0;
      java.util.regex.Pattern summary = java.util.regex.Pattern.compile(
          "WARNING refused (\\d+) more connection\\(s\\) at the limit of 1 in the last \\d+ s");
      for (String line : lines.subList(1, lines.size())) {
        java.util.regex.Matcher m = summary.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        summarized += Long.parseLong(m.group(1));
      }
      assertThat(1 + summarized).as("every refusal is in the first line or a summary").isEqualTo(refusals);
    }
  }

  @Test
  void shutdownDrainsOpenConnectionsAndRefusesNewOnes() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).start();
    int port = server.port();
    SSLSocket live = tls(pki.clientContext(null), "a.test");
    CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)));
    eventually("listener closed", () -> {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return false;
      } catch (IOException refused) {
        return true;
      }
    });
    assertThat(drained).isNotDone();
    assertThat(exchange(live, "finishing")).isEqualTo("finishing");
    exchange(live, "quit");
    live.close();
    assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownClosesWhatDidNotDrainInTime() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).start();
    try (SSLSocket live = tls(pki.clientContext(null), "a.test")) {
      assertThat(server.shutdown(Duration.ofMillis(200))).isFalse();
      assertThat(live.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void mutualTlsHandsTheVerifiedPeerIdentityToTheHandler() throws Exception {
    CompletableFuture<PeerIdentity> seen = new CompletableFuture<>();
    CompletableFuture<SecurityInfo> info = new CompletableFuture<>();
    ServerHandler h = c -> {
      seen.complete(c.peerIdentity().orElse(null));
      info.complete(c.securityInfo());
      ECHO.handle(c);
    };
    server = TlsServer.builder(h, certs(serverA)).clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(pki.caCertificate())).start();
    try (SSLSocket s = tls(pki.clientContext(alice), "a.test")) {
      assertThat(exchange(s, "hi")).isEqualTo("hi");
    }
    PeerIdentity id = seen.get(5, TimeUnit.SECONDS);
    assertThat(id.subject()).isEqualTo("CN=alice");
    assertThat(id.sha256Fingerprint()).isEqualTo(PeerIdentity.fingerprint(alice.leaf()));
    assertThat(id.chain()).containsExactly(alice.leaf());
    assertThat(info.get(5, TimeUnit.SECONDS).validation().verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
    assertThat(info.get().validation().expectedName()).isNull();
  }

  @Test
  void theServersViewKeepsTheClientsReportOnResumptionAndHasNoneWithoutClientAuth() throws Exception {
    LinkedBlockingQueue<SecurityInfo> infos = new LinkedBlockingQueue<>();
    ServerHandler h = c -> {
      infos.add(c.securityInfo());
      ECHO.handle(c);
    };
    server = TlsServer.builder(h, certs(serverA)).clientAuth(TlsServer.ClientAuth.WANT)
        .trustedClientIssuers(List.of(pki.caCertificate())).start();
    for (SecurityInfo info : fullThenResumed(pki.clientContext(alice), infos)) {
      assertThat(info.peerChain()).containsExactly(alice.leaf());
      assertThat(info.validation().verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
    }
    server.shutdown(Duration.ofSeconds(1));
    server = TlsServer.builder(h, certs(serverA)).start(); // no client authentication
    for (SecurityInfo info : fullThenResumed(pki.clientContext(null), infos)) {
      assertThat(info.peerChain()).isEmpty();
      assertThat(info.validation()).isNull();
    }
  }

  /** Connects twice with {@code ctx} (the second resumes); returns the server's views, as {@code seen} got them. */
  private List<SecurityInfo> fullThenResumed(SSLContext ctx, LinkedBlockingQueue<SecurityInfo> seen)
      throws Exception {
    List<SecurityInfo> views = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      try (SSLSocket s = tls(ctx, "a.test")) {
        assertThat(exchange(s, "hi")).isEqualTo("hi");
      }
      SecurityInfo info = seen.poll(5, TimeUnit.SECONDS);
      assertThat(info.resumed()).as("connection %d resumed", i).isEqualTo(i == 1);
      views.add(info);
    }
    return views;
  }

  @Test
  void needRefusesAClientWithoutCertificate() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(pki.caCertificate())).start();
    assertThatThrownBy(() -> {
      try (SSLSocket s = tls(pki.clientContext(null), "a.test")) {
        exchange(s, "hi"); // TLS 1.3: the server's refusal arrives after the client's Finished
      }
    }).isInstanceOf(IOException.class);
    eventually("refusal counted",
        () -> server.metrics().failed(HandshakeFailure.CLIENT_CERTIFICATE_MISSING) == 1);
  }

  @Test
  void wantAdmitsAnonymousClientsButRefusesUntrustedCertificates() throws Exception {
    CompletableFuture<Boolean> anonymous = new CompletableFuture<>();
    CopyOnWriteArrayList<String> refusals = new CopyOnWriteArrayList<>();
    server = TlsServer.builder(c -> {
      anonymous.complete(c.peerIdentity().isEmpty());
      ECHO.handle(c);
    }, certs(serverA)).clientAuth(TlsServer.ClientAuth.WANT).listener(new ServerListener() {
      @Override
      public void refused(java.net.InetSocketAddress remote, HandshakeFailure reason, String detail) {
        refusals.add(reason + ": " + detail);
      }
    })
        .trustedClientIssuers(List.of(pki.caCertificate())).start();
    try (SSLSocket s = tls(pki.clientContext(null), "a.test")) {
      assertThat(exchange(s, "anon")).isEqualTo("anon");
    }
    assertThat(anonymous.get(5, TimeUnit.SECONDS)).isTrue();

    ServerTestPki other = ServerTestPki.create(dir, "Other CA");
    ServerTestPki.Issued mallory = other.client("mallory");
    // present mallory's certificate even though the server lists only its own CA as acceptable
    SSLContext withMallory = SSLContext.getInstance("TLS");
    withMallory.init(new javax.net.ssl.KeyManager[] {new Insistent(mallory)}, trustManagers(pki), null);
    assertThatThrownBy(() -> {
      try (SSLSocket s = tls(withMallory, "a.test")) {
        exchange(s, "hi");
      }
    }).isInstanceOf(IOException.class);
    eventually("refusal counted", () -> server.metrics().failed(HandshakeFailure.CERTIFICATE_REJECTED) == 1);
    assertThat(refusals).singleElement().asString().startsWith("CERTIFICATE_REJECTED")
        .contains("CN=Other CA").contains("CN=mallory");
  }

  @Test
  void metricsCountAHandshakeOrRefusalOnlyAfterTheListenerHeardIt() throws Exception {
    // Waiting for a count in metrics() and then reading what the listener recorded must not race the listener
    // (wantAdmitsAnonymousClientsButRefusesUntrustedCertificates once did): each event is held inside the listener.
    CountDownLatch heard = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    server = TlsServer.builder(ECHO, certs(serverA)).listener(new ServerListener() {
      @Override
      public void secured(ServerConnection connection) {
        hold();
      }

      @Override
      public void refused(java.net.InetSocketAddress remote, HandshakeFailure reason, String detail) {
        hold();
      }

      private void hold() {
        heard.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }).start();
    try (SSLSocket secured = tls(pki.clientContext(null), "a.test");
        Socket notTls = new Socket("127.0.0.1", server.port())) {
      notTls.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(heard.await(10, TimeUnit.SECONDS)).as("both events reached the listener").isTrue();
      ServerMetrics during = server.metrics();
      release.countDown();
      assertThat(during.handshakesOk()).as("handshake counted while the listener still runs").isZero();
      assertThat(during.failed(HandshakeFailure.NOT_TLS)).as("refusal counted while the listener still runs")
          .isZero();
      eventually("both counted", () -> server.metrics().handshakesOk() == 1
          && server.metrics().failed(HandshakeFailure.NOT_TLS) == 1);
      assertThat(exchange(secured, "after")).isEqualTo("after");
    } finally {
      release.countDown();
    }
  }

  /** A client key manager that presents its certificate whatever issuers the server asks for. */
  static final class Insistent extends javax.net.ssl.X509ExtendedKeyManager {
    private final ServerTestPki.Issued id;

    Insistent(ServerTestPki.Issued id) {
      this.id = id;
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
      return "me";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
        javax.net.ssl.SSLEngine engine) {
      return "me";
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return id.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public java.security.PrivateKey getPrivateKey(String alias) {
      return id.key();
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {"me"};
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
      return null;
    }
  }

  @Test
  void authorizerRefusesAPeerBeforeTheHandlerRuns() throws Exception {
    AtomicBoolean handlerRan = new AtomicBoolean();
    ServerTestPki.Issued bob = pki.client("bob");
    server = TlsServer.builder(c -> handlerRan.set(true), certs(serverA))
        .clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(pki.caCertificate()))
        .authorizer(Authorizer.fingerprints(Set.of(PeerIdentity.fingerprint(alice.leaf())))).start();
    try (SSLSocket s = tls(pki.clientContext(bob), "a.test")) {
      s.getOutputStream().write("hi\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    } catch (IOException closedHard) {
      // also a refusal
    }
    eventually("refusal counted", () -> server.metrics().failed(HandshakeFailure.PEER_NOT_AUTHORIZED) == 1);
    assertThat(handlerRan).isFalse();
    try (SSLSocket s = tls(pki.clientContext(alice), "a.test")) {
      s.getOutputStream().write("hi\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).isEqualTo(-1); // the handler returns at once
    }
    eventually("alice admitted", handlerRan::get);
  }

  @Test
  void thePolicysValidationCallbackJudgesClientCertificatesWithTheirReport() throws Exception {
    ServerTestPki.Issued bob = pki.client("bob");
    CopyOnWriteArrayList<ValidationReport> judged = new CopyOnWriteArrayList<>();
    TlsPolicy policy = TlsPolicy.builder().validationCallback(r -> {
      judged.add(r);
      return !r.presented().get(0).getSubjectX500Principal().getName().equals("CN=bob");
    }).build();
    server = TlsServer.builder(ECHO, certs(serverA)).policy(policy).clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(pki.caCertificate())).start();
    try (SSLSocket s = tls(pki.clientContext(alice), "a.test")) {
      assertThat(exchange(s, "alice ok")).isEqualTo("alice ok");
    }
    assertThatThrownBy(() -> {
      try (SSLSocket s = tls(pki.clientContext(bob), "a.test")) {
        exchange(s, "bob?");
      }
    }).isInstanceOf(IOException.class);
    eventually("refusal counted", () -> server.metrics().failed(HandshakeFailure.CERTIFICATE_REJECTED) == 1);
    assertThat(judged).hasSize(2).allSatisfy(r -> {
      assertThat(r.expectedName()).as("a client is judged without a name").isNull();
      assertThat(r.trusted()).as("the chain itself is fine; the callback decides").isTrue();
    });
  }

  @Test
  void alpnPicksTheServersPreferenceAndRefusesAMismatch() throws Exception {
    server = TlsServer.builder(c -> c.writeLine(c.applicationProtocol().orElse("none")), certs(serverA))
        .alpn("h2", "http/1.1").start();
    SSLContext ctx = pki.clientContext(null);
    assertThat(alpnExchange(ctx, "http/1.1", "h2")).isEqualTo("h2");
    assertThat(alpnExchange(ctx)).isEqualTo("none");
    assertThatThrownBy(() -> alpnExchange(ctx, "imap")).hasMessageContaining("no_application_protocol");
    eventually("refusal counted", () -> server.metrics().failed(HandshakeFailure.ALPN_MISMATCH) == 1);
  }

  String alpnExchange(SSLContext ctx, String... offered) throws IOException {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(offered);
      p.setServerNames(List.of(new SNIHostName("a.test")));
      s.setSSLParameters(p);
      s.startHandshake();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  @Test
  void proxyProtocolHeadersGiveTheOriginalClientAddress() throws Exception {
    CopyOnWriteArrayList<String> remotes = new CopyOnWriteArrayList<>();
    server = TlsServer.builder(c -> {
      remotes.add(c.remoteAddress().getAddress().getHostAddress() + ":" + c.remoteAddress().getPort());
      c.writeLine("hi");
    }, certs(serverA)).mode(TlsMode.STARTTLS).proxyProtocol(true).start();
    assertThat(rawExchange("PROXY TCP4 192.0.2.7 127.0.0.1 5555 25\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("hi");
    byte[] v2 = new byte[16 + 12];
    System.arraycopy(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A}, 0,
        v2, 0, 12);
    v2[12] = 0x21; // version 2, PROXY
    v2[13] = 0x11; // AF_INET, STREAM
    v2[15] = 12;
    byte[] body = {(byte) 198, 51, 100, 9, 127, 0, 0, 1, 0x1F, (byte) 0x90, 0, 25};
    System.arraycopy(body, 0, v2, 16, 12);
    assertThat(rawExchange(v2)).isEqualTo("hi");
    assertThat(rawExchange("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))).isNull();
    assertThat(rawExchange(("PROXY TCP4 " + "9".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII)))
        .isNull();
    assertThat(remotes).containsExactly("192.0.2.7:5555", "198.51.100.9:8080");
    eventually("refusals counted",
        () -> server.metrics().failed(HandshakeFailure.PROXY_HEADER_INVALID) == 2);
  }

  String rawExchange(byte[] first) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(first);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  @Test
  void aProxyHeaderBeforeImplicitTlsLeavesTheHandshakeIntact() throws Exception {
    CopyOnWriteArrayList<String> remotes = new CopyOnWriteArrayList<>();
    server = TlsServer.builder(c -> {
      remotes.add(c.remoteAddress().getAddress().getHostAddress());
      ECHO.handle(c);
    }, certs(serverA)).proxyProtocol(true).start();
    Socket plain = new Socket("127.0.0.1", server.port());
    plain.getOutputStream().write("PROXY TCP6 2001:db8::7 ::1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII));
    try (SSLSocket s = (SSLSocket) pki.clientContext(null).getSocketFactory()
        .createSocket(plain, "a.test", server.port(), true)) {
      s.setSoTimeout(10_000);
      assertThat(exchange(s, "through the proxy")).isEqualTo("through the proxy");
    }
    assertThat(remotes).containsExactly("2001:db8:0:0:0:0:0:7");
  }

  @Test
  void anIdleClientIsDisconnectedAfterTheIdleTimeout() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).idleTimeout(Duration.ofMillis(300)).start();
    try (SSLSocket s = tls(pki.clientContext(null), "a.test")) {
      assertThat(exchange(s, "awake")).isEqualTo("awake");
      long start = System.nanoTime();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
    }
  }

  static final ServerHandler STARTTLS_ECHO = c -> {
    while (true) {
      String line = c.readLine(1024);
      if (line.equals("quit")) return;
      if (line.equals("STARTTLS")) c.upgradeToTls("220 go ahead");
      else c.writeLine(line);
    }
  };

  static final Duration SHORT_SETUP = Duration.ofSeconds(2);

  /** A STARTTLS echo server with one slot and a setup timeout of 2 s (the first handshake in a JVM may take 1 s). */
  TlsServer.Builder shortSetup(Duration idle) throws IOException {
    return TlsServer.builder(STARTTLS_ECHO, certs(serverA)).mode(TlsMode.STARTTLS).maxConnections(1)
        .idleTimeout(idle).handshakeTimeout(SHORT_SETUP).setupTimeout(SHORT_SETUP);
  }

  /** Sends STARTTLS on a fresh plaintext connection and returns the TLS socket over it. */
  SSLSocket starttls() throws Exception {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(10_000);
    s.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
    // the server sends nothing after its one reply until the handshake, so the reader takes no TLS byte
    assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine())
        .isEqualTo("220 go ahead");
    SSLSocket ssl = (SSLSocket) pki.clientContext(null).getSocketFactory().createSocket(s, "a.test", 0, true);
    ssl.startHandshake();
    return ssl;
  }

  @Test
  void aPlaintextSessionBeforeStarttlsIsUnsecuredAndShedForANewcomer() throws Exception {
    // a setup timeout far beyond the test: only shedding can free the one unsecured slot
    server = TlsServer.builder(STARTTLS_ECHO, certs(serverA)).mode(TlsMode.STARTTLS).maxConnections(5)
        .maxHandshakes(1).setupTimeout(Duration.ofMinutes(5)).start();
    try (Socket dribbler = new Socket("127.0.0.1", server.port())) {
      dribbler.setSoTimeout(10_000);
      dribbler.getOutputStream().write("NO".getBytes(StandardCharsets.US_ASCII)); // half a command, then nothing
      eventually("the dribbler holds the unsecured slot", () -> server.metrics().connectionsOpen() == 1);
      try (SSLSocket ssl = starttls()) {
        assertThat(exchange(ssl, "after the upgrade")).isEqualTo("after the upgrade");
        assertThat(dribbler.getInputStream().read()).as("the plaintext session was shed").isEqualTo(-1);
      }
    }
    eventually("counted", () -> server.metrics().failed(HandshakeFailure.SHED) == 1);
  }

  @Test
  void aClientTricklingPlaintextBeforeStarttlsIsClosedAtTheSetupTimeout() throws Exception {
    // One byte at least every 150 ms, a quarter of the idle timeout: only a deadline on the whole plaintext phase
    // ends this connection. Without one it held its slot (the only one) until the test gave up.
    server = shortSetup(Duration.ofMillis(600)).start();
    byte[] noop = "NOOP\r\n".getBytes(StandardCharsets.US_ASCII);
    long start = System.nanoTime();
    boolean closed = false;
    int echoed = 0;
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(150); // the client's pace
      for (int i = 0; !closed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8); i++) {
        try {
          s.getOutputStream().write(noop[i % noop.length]);
          if (s.getInputStream().read() == -1) closed = true;
          else echoed++;
        } catch (java.net.SocketTimeoutException pace) {
          // nothing to read yet: send the next byte
        } catch (java.net.SocketException reset) {
          closed = true; // wrote after the server closed
        }
      }
    }
    Duration held = Duration.ofNanos(System.nanoTime() - start);
    assertThat(closed).as("the server closed the trickling client within 8 s").isTrue();
    assertThat(echoed).as("its NOOPs were answered meanwhile").isGreaterThan(0);
    assertThat(held).isBetween(SHORT_SETUP.minusMillis(100), SHORT_SETUP.plusSeconds(3));
    eventually("slot freed", () -> server.metrics().connectionsOpen() == 0);
    assertThat(server.metrics().failed(HandshakeFailure.SETUP_TIMEOUT)).isEqualTo(1);
    try (SSLSocket ssl = starttls()) {
      assertThat(exchange(ssl, "the slot is free")).isEqualTo("the slot is free");
    }
  }

  @Test
  void aTlsSessionOutlivesTheSetupTimeoutOnceUpgraded() throws Exception {
    server = shortSetup(Duration.ofMillis(800)).start();
    try (SSLSocket ssl = starttls()) {
      long end = System.nanoTime() + SHORT_SETUP.multipliedBy(2).plusMillis(500).toNanos();
      for (int i = 0; System.nanoTime() < end; i++) {
        assertThat(exchange(ssl, "line " + i)).isEqualTo("line " + i);
        Thread.sleep(100); // the client's think time: a long, live TLS session is what this test is about
      }
    }
    assertThat(server.metrics().handshakesFailed()).isEmpty();
  }

  @Test
  void theSetupTimeoutBoundsProxyHeaderAndHandshakeTogetherOverImplicitTls() throws Exception {
    server = TlsServer.builder(ECHO, certs(serverA)).proxyProtocol(true).handshakeTimeout(Duration.ofSeconds(1))
        .setupTimeout(Duration.ofMillis(1200)).start();
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      Thread.sleep(600); // a slow client: the header comes within the handshake timeout, then no ClientHello
      s.getOutputStream().write("PROXY TCP4 192.0.2.7 127.0.0.1 5555 443\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    // each phase alone is within the handshake timeout; together they pass the setup timeout (1.2 s, not 1.6 s)
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1100));
    eventually("refusal counted", () -> server.metrics().failed(HandshakeFailure.SETUP_TIMEOUT) == 1);
    assertThat(server.metrics().failed(HandshakeFailure.TIMEOUT)).isZero();
  }

  @Test
  void listensOnSeveralAddresses() throws Exception {
    java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
    boolean hasV6;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, v6)) {
      hasV6 = true;
    } catch (IOException e) {
      hasV6 = false;
    }
    TlsServer.Builder b = TlsServer.builder(ECHO, certs(serverA)).listen("127.0.0.1", 0);
    if (hasV6) b.listen("::1", 0);
    server = b.start();
    assertThat(server.addresses()).hasSize(hasV6 ? 2 : 1);
    for (java.net.InetSocketAddress a : server.addresses()) {
      try (SSLSocket s = (SSLSocket) pki.clientContext(null).getSocketFactory()
          .createSocket(a.getAddress(), a.getPort())) {
        s.setSoTimeout(10_000);
        assertThat(exchange(s, "via " + a)).isEqualTo("via " + a);
      }
    }
  }

  @Test
  void contradictorySettingsAreRejectedWhenBuilt() throws Exception {
    ServerCertificates certs = certs(serverA);
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs).clientAuth(TlsServer.ClientAuth.NEED).start())
        .hasMessageContaining("NEED").hasMessageContaining("system trust");
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs).trustedClientIssuers(List.of(pki.caCertificate()))
        .start()).hasMessageContaining("clientAuth is NONE");
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs).alpnRequired(true).start())
        .hasMessageContaining("alpnRequired").hasMessageContaining("no alpn");
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs).setupTimeout(Duration.ofSeconds(5)).start())
        .hasMessageContaining("setupTimeout 5000 ms").hasMessageContaining("handshakeTimeout 10000 ms");
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs).setupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setupTimeout");
    // a handshake timeout above the default setup timeout raises it instead of contradicting it
    TlsServer.builder(ECHO, certs).handshakeTimeout(Duration.ofSeconds(90)).start().shutdown(Duration.ZERO);
  }

  static X509Certificate leafOf(SSLSocket s) throws IOException {
    try (s) {
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  static javax.net.ssl.KeyManager[] keyManagers(ServerTestPki.Issued id) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("me", id.key(), new char[0], id.chain().toArray(X509Certificate[]::new));
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, new char[0]);
    return kmf.getKeyManagers();
  }

  static javax.net.ssl.TrustManager[] trustManagers(ServerTestPki p) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", p.caCertificate());
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    return tmf.getTrustManagers();
  }
}
