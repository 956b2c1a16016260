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
    try (SSLSocket first = tls(pki.clientContext(null), "a.test");
        Socket second = new Socket("127.0.0.1", server.port())) {
      second.setSoTimeout(10_000);
      assertThat(second.getInputStream().read()).isEqualTo(-1);
      assertThat(exchange(first, "ok")).isEqualTo("ok");
    }
    assertThat(server.metrics().connectionsRefused()).isEqualTo(1);
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
