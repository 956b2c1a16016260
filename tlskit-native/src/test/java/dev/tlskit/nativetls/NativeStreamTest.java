package dev.tlskit.nativetls;

import static dev.tlskit.nativetls.NativeHandshakeTest.NATIVE;
import static dev.tlskit.nativetls.NativeHandshakeTest.client;
import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerHandler;
import dev.tlskit.ServerMetrics;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native engine under TlsKit's connection rules: the STARTTLS injection refusal on both sides, close_notify
 * versus a cut TCP stream (truncation), and OpenSSL's own client and server as peers.
 */
class NativeStreamTest {
  @TempDir Path dir;

  @Test
  void nativeClientRefusesPlaintextInjectedAheadOfTheUpgrade() throws Exception {
    try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
        try (Socket s = plain.accept()) {
          s.getInputStream().read(new byte[64]); // STARTTLS
          // the reply and an injected line in one segment: a man in the middle's classic
          s.getOutputStream().write("220 ready\r\n250 injected\r\n".getBytes(US_ASCII));
          s.getInputStream().read(); // until the client gives up
        } catch (IOException ignored) {
          // the client closed
        }
      });
      TlsClient client = client(NATIVE);
      try (TlsConnection c = client.connectPlain("127.0.0.1", plain.getLocalPort(), "localhost")) {
        c.output().write("STARTTLS\r\n".getBytes(US_ASCII));
        c.output().flush();
        assertThat(c.readLine(100)).isEqualTo("220 ready");
        assertThatThrownBy(c::upgradeToTls).isInstanceOfSatisfying(TlsSecurityException.class,
            e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.INJECTION_DETECTED));
      }
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void nativeServerRefusesPlaintextInjectedAheadOfTheUpgrade() throws Exception {
    ServerHandler starttls = c -> {
      c.writeLine("220 hello");
      if ("STARTTLS".equals(c.readLine(100))) c.upgradeToTls("220 ready");
      c.writeLine("250 secured");
    };
    try (TlsServer server = TlsServer.builder(starttls, ServerCertificates.of(GOOD.certifiedKey())).policy(NATIVE)
        .mode(TlsMode.STARTTLS).listen("127.0.0.1", 0).start();
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      assertThat(line(in)).isEqualTo("220 hello");
      s.getOutputStream().write("STARTTLS\r\nMAIL FROM:<x@y>\r\n".getBytes(US_ASCII)); // a command smuggled behind
      assertThat(in.read()).as("closed without the upgrade reply").isEqualTo(-1);
      assertThat(server.metrics().failed(ServerMetrics.HandshakeFailure.INJECTION_DETECTED)).isEqualTo(1);
    }
  }

  @Test
  void aCleanCloseIsNotTruncationAndACutStreamIs() throws Exception {
    SSLContext jdk = jdkServerContext();
    try (ServerSocket plain = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
        for (boolean clean : new boolean[] {true, false}) {
          try (Socket raw = plain.accept()) {
            SSLSocket ssl = (SSLSocket) jdk.getSocketFactory().createSocket(raw, null, raw.getPort(), false);
            ssl.setUseClientMode(false);
            ssl.startHandshake();
            ssl.getOutputStream().write("last line\r\n".getBytes(US_ASCII));
            ssl.getOutputStream().flush();
            if (clean) ssl.close(); // close_notify, then TCP close
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        }
      });
      TlsClient client = client(NATIVE);
      try (TlsConnection c = client.connectTls("127.0.0.1", plain.getLocalPort(), "localhost")) {
        assertThat(c.readLine(100)).isEqualTo("last line");
        assertThat(c.input().read()).isEqualTo(-1);
        assertThat(c.truncated()).isFalse();
      }
      TlsClient strict = client.toBuilder().failOnTruncation(true).build();
      try (TlsConnection c = strict.connectTls("127.0.0.1", plain.getLocalPort(), "localhost")) {
        assertThat(c.readLine(100)).isEqualTo("last line");
        assertThatThrownBy(() -> c.input().read()).isInstanceOfSatisfying(TlsSecurityException.class,
            e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.TRUNCATED));
        assertThat(c.truncated()).isTrue();
      }
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void largeWritesArriveWholeBothWays() throws Exception {
    ServerHandler sink = c -> {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      int n;
      while (total < 3_000_000 && (n = c.input().read(buf)) > 0) total += n;
      c.writeLine("got " + total);
    };
    try (TlsServer server = TlsServer.builder(sink, ServerCertificates.of(GOOD.certifiedKey())).policy(NATIVE)
        .listen("127.0.0.1", 0).start();
        TlsConnection c = client(NATIVE).connectTls("127.0.0.1", server.port(), "localhost")) {
      byte[] big = new byte[1_000_000];
      for (int i = 0; i < 3; i++) c.output().write(big);
      c.output().flush();
      assertThat(c.readLine(100)).isEqualTo("got 3000000");
    }
  }

  /**
   * Every byte comes back in order, whatever the write size against records and the engine's four-record chunks,
   * with several connections at once sharing the engine's direct scratch buffers.
   */
  @Test
  void echoedBytesComeBackIntactAcrossRecordAndChunkSizes() throws Exception {
    ServerHandler echo = c -> {
      byte[] buf = new byte[7_000];
      int n;
      while ((n = c.input().read(buf)) > 0) {
        c.output().write(buf, 0, n);
        c.output().flush();
      }
    };
    int[] sizes = {1, 5, 1_000, 16_383, 16_384, 16_385, 65_536, 65_537, 200_003};
    try (TlsServer server = TlsServer.builder(echo, ServerCertificates.of(GOOD.certifiedKey())).policy(NATIVE)
        .listen("127.0.0.1", 0).start();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<Void>> runs = new java.util.ArrayList<>();
      for (int k = 0; k < 4; k++) {
        long seed = k;
        runs.add(CompletableFuture.runAsync(() -> {
          try (TlsConnection c = client(NATIVE).connectTls("127.0.0.1", server.port(), "localhost")) {
            java.util.Random random = new java.util.Random(seed);
            for (int size : sizes) {
              byte[] sent = new byte[size];
              random.nextBytes(sent);
              CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                  c.output().write(sent, 0, size);
                  c.output().flush();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }, threads);
              byte[] got = c.input().readNBytes(size);
              writer.get(30, TimeUnit.SECONDS);
              assertThat(got).as("%d bytes on connection %d", size, seed).isEqualTo(sent);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, threads));
      }
      for (CompletableFuture<Void> r : runs) r.get(60, TimeUnit.SECONDS);
    }
  }

  // ---- OpenSSL as the peer ----

  static Path openssl() {
    Path openssl = Path.of("/usr/bin/openssl");
    if (Boolean.getBoolean("tlskit.requirePeers")) assertThat(openssl).isExecutable();
    assumeTrue(Files.isExecutable(openssl), "openssl is not installed (scripts/install-peers)");
    return openssl;
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tls1_3", "-tls1_2"})
  void nativeClientTalksToOpensslServer(String version) throws Exception {
    Path openssl = openssl();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Path chain = dir.resolve("chain.pem");
    Pem.writeCertificates(cert, GOOD.chain().subList(0, 1));
    Pem.writeCertificates(chain, GOOD.chain().subList(1, GOOD.chain().size()));
    Pem.writePrivateKey(key, GOOD.certifiedKey().privateKey(), null);
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process p = new ProcessBuilder(openssl.toString(), "s_server", version, "-accept", "127.0.0.1:" + port,
        "-cert", cert.toString(), "-cert_chain", chain.toString(),
        "-key", key.toString(), "-naccept", "1", "-rev")
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    try {
      waitForAccept(p);
      try (TlsConnection c = client(NATIVE).connectTls("127.0.0.1", port, "localhost")) {
        SecurityInfo info = c.securityInfo();
        assertThat(info.protocol()).isEqualTo(version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2");
        assertThat(info.validation().trusted()).isTrue();
        c.output().write("olleh\n".getBytes(US_ASCII));
        c.output().flush();
        assertThat(c.readLine(100)).isEqualTo("hello");
      }
    } finally {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static void waitForAccept(Process p) throws IOException {
    InputStream out = p.getInputStream();
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!seen.toString().contains("ACCEPT") && System.nanoTime() < deadline) {
      int b = out.read();
      if (b < 0) throw new IOException("openssl s_server ended: " + seen);
      seen.append((char) b);
    }
    assertThat(seen.toString()).contains("ACCEPT");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tls1_3", "-tls1_2"})
  void opensslClientTalksToNativeServer(String version) throws Exception {
    Path openssl = openssl();
    Path ca = dir.resolve("ca.pem");
    Pem.writeCertificates(ca, List.of(ROOT.certificate()));
    ServerHandler oneLine = c -> c.writeLine("echo " + c.readLine(100));
    try (TlsServer server = TlsServer.builder(oneLine, ServerCertificates.of(GOOD.certifiedKey())).policy(NATIVE)
        .listen("127.0.0.1", 0).start()) {
      Path input = dir.resolve("in.txt");
      Files.writeString(input, "hello\n");
      Process p = new ProcessBuilder(openssl.toString(), "s_client", version, "-connect",
          "127.0.0.1:" + server.port(), "-servername", "localhost", "-verify_hostname", "localhost", "-CAfile",
          ca.toString(), "-verify_return_error", "-crlf", "-ign_eof")
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(input.toFile())).start();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("s_client finished").isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(out).contains("Verify return code: 0 (ok)", "echo hello",
          version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2");
    }
  }

  // ---- helpers ----

  static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') b.append((char) c);
    }
    return b.toString();
  }

  static SSLContext jdkServerContext() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "x".toCharArray();
    ks.setKeyEntry("k", GOOD.certifiedKey().privateKey(), pw,
        GOOD.chain().toArray(java.security.cert.Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
