package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerMetrics;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.bc.PostQuantum;
import dev.tlskit.nativetls.NativeTls;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Post-quantum hybrid key exchange (X25519MLKEM768) with a non-Java implementation: Node.js 26 and its OpenSSL 3.5,
 * as server restricted to the hybrid group and as client restricted to it; the library API and {@code tlskit connect
 * --groups}; on the JDK's engine through BouncyCastle's JSSE, and on the native engine (BoringSSL, {@code --provider
 * native}), which negotiates the hybrid group itself.
 */
class PostQuantumInteropTest {
  @TempDir static Path dir;
  static HeldCertificate root;
  static HeldCertificate leaf;
  static Path rootPem;
  static Path certPem;
  static Path keyPem;
  static TlsPolicy trust;

  @BeforeAll
  static void pki() throws Exception {
    root = HeldCertificate.root("PQ Interop Root");
    leaf = HeldCertificate.leaf(root, "localhost", "127.0.0.1");
    rootPem = dir.resolve("root.pem");
    certPem = dir.resolve("cert.pem");
    keyPem = dir.resolve("key.pem");
    Pem.writeCertificates(rootPem, List.of(root.certificate()));
    Pem.writeCertificates(certPem, leaf.chain());
    Pem.writePrivateKey(keyPem, leaf.privateKey(), null);
    trust = TlsPolicy.builder().trust(Trust.anchors(root.certificate())).build();
  }

  static String line(TlsPolicy policy, int port) throws Exception {
    try (TlsConnection c = TlsClient.builder().policy(policy).build().connectTls("127.0.0.1", port, "localhost")) {
      assertThat(c.securityInfo().validation().trusted()).isTrue();
      return c.readLine(100);
    }
  }

  @Test
  void offerAndRequireReachANodeServerThatSpeaksOnlyTheHybridGroup() throws Exception {
    try (NodePeer node = NodePeer.server(dir, certPem, keyPem, "X25519MLKEM768")) {
      assertThat(line(PostQuantum.offer(trust), node.port)).isEqualTo("node TLSv1.3");
      assertThat(line(PostQuantum.require(trust), node.port)).isEqualTo("node TLSv1.3");
      // the JDK alone has no hybrid group: the server refuses it
      assertThatThrownBy(() -> line(trust, node.port)).isInstanceOf(TlsSecurityException.class);

      String target = "localhost:" + node.port;
      for (String groups : List.of("X25519MLKEM768,x25519", "X25519MLKEM768")) {
        MainTest.Result r = ConnectCommandTest.connect(target, "--trust", rootPem.toString(), "--no-relay",
            "--groups", groups);
        assertThat(r.code()).as(groups + "\n" + r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Protocol:      TLSv1.3");
        assertThat(r.err()).doesNotContain("WARNING").doesNotContain("INFO");
      }
      MainTest.Result json = ConnectCommandTest.connect(target, "--trust", rootPem.toString(), "--no-relay",
          "--groups", "X25519MLKEM768", "--json");
      assertThat(json.code()).isZero();
      assertThat(json.out()).contains("\"keyExchangeGroup\":");
      MainTest.Result jdk = ConnectCommandTest.connect(target, "--trust", rootPem.toString(), "--no-relay");
      assertThat(jdk.code()).as(jdk.out()).isEqualTo(3);
    }
  }

  @Test
  void requireAgainstAClassicalNodeServerIsATypedErrorNeverAClassicalConnection() throws Exception {
    try (NodePeer node = NodePeer.server(dir, certPem, keyPem, "X25519:P-256:P-384")) {
      assertThat(line(PostQuantum.offer(trust), node.port)).isEqualTo("node TLSv1.3"); // offer falls back
      assertThatThrownBy(() -> line(PostQuantum.require(trust), node.port))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
            assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED);
            assertThat(e.handshakeFailure()).contains(ServerMetrics.HandshakeFailure.NO_SHARED_CIPHER);
            assertThat(e).hasMessageContaining("post-quantum key exchange required");
          });
      MainTest.Result r = ConnectCommandTest.connect("localhost:" + node.port, "--trust", rootPem.toString(),
          "--no-relay", "--groups", "X25519MLKEM768");
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
      assertThat(r.out() + r.err()).contains("post-quantum key exchange required");
    }
  }

  @Test
  void aNodeClientRestrictedToTheHybridGroupReachesTlsServerOnlyWhenItOffersOne() throws Exception {
    for (TlsPolicy policy : List.of(PostQuantum.offer(TlsPolicy.MODERN), PostQuantum.require(TlsPolicy.MODERN))) {
      try (TlsServer server = server(policy)) {
        String out = NodePeer.client(dir, server.port(), rootPem, "X25519MLKEM768");
        assertThat(out).contains("GROUP X25519MLKEM768 TLSv1.3").contains("DATA tlskit");
      }
    }
    try (TlsServer server = server(TlsPolicy.MODERN)) { // the JDK's provider: no hybrid group
      assertThat(NodePeer.client(dir, server.port(), rootPem, "X25519MLKEM768")).contains("ERROR");
    }
    try (TlsServer server = server(PostQuantum.require(TlsPolicy.MODERN))) { // a classical client is refused
      assertThat(NodePeer.client(dir, server.port(), rootPem, "X25519")).contains("ERROR");
      assertThat(server.metrics().handshakesFailedTotal()).isEqualTo(1);
    }
  }

  @Test
  void probeSaysWhetherTheServerCompletesAHybridKeyExchange() throws Exception {
    try (NodePeer node = NodePeer.server(dir, certPem, keyPem, "X25519MLKEM768:X25519");
        TlsServer jdk = server(TlsPolicy.MODERN)) {
      MainTest.Result yes = MainTest.run("probe", "127.0.0.1:" + node.port, "--peer-name", "localhost",
          "--trust", rootPem.toString(), "--timeout", "5", "--json");
      assertThat(yes.out()).as(yes.err()).contains("\"postQuantum\":true").contains("\"id\":\"pq-hybrid\"");
      MainTest.Result text = MainTest.run("probe", "127.0.0.1:" + node.port, "--peer-name", "localhost",
          "--trust", rootPem.toString(), "--timeout", "5");
      assertThat(text.out()).contains("post-quantum hybrid (X25519MLKEM768 and kin, complete handshake): yes")
          .contains("the server accepts post-quantum hybrid key exchange");
      MainTest.Result no = MainTest.run("probe", "127.0.0.1:" + jdk.port(), "--peer-name", "localhost",
          "--trust", rootPem.toString(), "--timeout", "5", "--json");
      assertThat(no.out()).as(no.err()).contains("\"postQuantum\":false").contains("\"id\":\"no-pq-hybrid\"");
    }
  }

  @Test
  void tlskitServeWithHybridGroupsOnlyAcceptsOnlyAHybridClient() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", certPem.toString(), "--key", keyPem.toString(),
        "--groups", "X25519MLKEM768")) {
      assertThat(serve.await("groups X25519MLKEM768")).isNotEmpty();
      assertThat(NodePeer.client(dir, serve.port, rootPem, "X25519MLKEM768")).contains("GROUP X25519MLKEM768 TLSv1.3");
      assertThat(NodePeer.client(dir, serve.port, rootPem, "X25519")).contains("ERROR");
    }
    try (ServeRunner serve = new ServeRunner("--cert", certPem.toString(), "--key", keyPem.toString(),
        "--groups", "X25519MLKEM768,x25519")) {
      assertThat(NodePeer.client(dir, serve.port, rootPem, "X25519MLKEM768")).contains("GROUP X25519MLKEM768 TLSv1.3");
      assertThat(NodePeer.client(dir, serve.port, rootPem, "X25519")).contains("GROUP X25519 TLSv1.3");
    }
    MainTest.Result bad = MainTest.run("serve", "--port", "0", "--self-signed", "--groups", "X25519MLKEM1024x");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--groups");
  }

  static TlsServer server(TlsPolicy policy) throws Exception {
    return TlsServer.builder(c -> c.writeLine("tlskit"), ServerCertificates.of(leaf.certifiedKey()))
        .listen("127.0.0.1", 0).policy(policy).drainTimeout(Duration.ofSeconds(1)).start();
  }

  // ---- the native engine (BoringSSL): a classical peer against require is refused in the native engine's words

  static TlsPolicy nativeTrust() {
    return trust.toBuilder().provider(NativeTls.provider()).build();
  }

  static TlsPolicy nativeServer() {
    return TlsPolicy.MODERN.toBuilder().provider(NativeTls.provider()).build();
  }

  static String group(TlsPolicy policy, int port) throws Exception {
    try (TlsConnection c = TlsClient.builder().policy(policy).build().connectTls("127.0.0.1", port, "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("node TLSv1.3");
      return c.securityInfo().keyExchangeGroup();
    }
  }

  @Test
  void nativeOfferAndRequireReachANodeServerThatSpeaksOnlyTheHybridGroup() throws Exception {
    try (NodePeer node = NodePeer.server(dir, certPem, keyPem, "X25519MLKEM768")) {
      assertThat(PostQuantum.require(nativeTrust()).provider()).isSameAs(NativeTls.provider());
      assertThat(group(PostQuantum.require(nativeTrust()), node.port)).isEqualTo("X25519MLKEM768");
      assertThat(group(PostQuantum.offer(nativeTrust()), node.port)).isEqualTo("X25519MLKEM768");
      for (String groups : List.of("X25519MLKEM768,x25519", "X25519MLKEM768")) {
        MainTest.Result r = ConnectCommandTest.connect("localhost:" + node.port, "--trust", rootPem.toString(),
            "--no-relay", "--provider", "native", "--groups", groups, "--json");
        assertThat(r.code()).as(groups + "\n" + r.out() + r.err()).isZero();
        assertThat(r.out()).contains("\"keyExchangeGroup\":\"X25519MLKEM768\"").contains("TLSv1.3");
        assertThat(r.err()).doesNotContain("WARNING");
      }
    }
  }

  @Test
  void nativeRequireAgainstAClassicalNodeServerIsATypedRefusal() throws Exception {
    try (NodePeer node = NodePeer.server(dir, certPem, keyPem, "X25519:P-256:P-384")) {
      assertThat(group(PostQuantum.offer(nativeTrust()), node.port)).isEqualTo("x25519");
      assertThatThrownBy(() -> group(PostQuantum.require(nativeTrust()), node.port))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
            assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED);
            assertThat(e.handshakeFailure()).contains(ServerMetrics.HandshakeFailure.NO_SHARED_CIPHER);
            assertThat(e).hasMessageContaining("post-quantum key exchange required")
                .hasMessageContaining("native engine");
          });
      MainTest.Result r = ConnectCommandTest.connect("localhost:" + node.port, "--trust", rootPem.toString(),
          "--no-relay", "--provider", "native", "--groups", "X25519MLKEM768");
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
      assertThat(r.out() + r.err()).contains("post-quantum key exchange required").contains("native engine");
    }
  }

  @Test
  void aNodeHybridClientReachesANativeTlsServerThatRequiresIt() throws Exception {
    TlsPolicy require = PostQuantum.require(nativeServer());
    assertThat(require.provider()).isSameAs(NativeTls.provider()); // BoringSSL itself, not BouncyCastle's JSSE
    try (TlsServer server = server(require)) {
      assertThat(NodePeer.client(dir, server.port(), rootPem, "X25519MLKEM768"))
          .contains("GROUP X25519MLKEM768 TLSv1.3").contains("DATA tlskit");
      assertThat(NodePeer.client(dir, server.port(), rootPem, "X25519")).contains("ERROR");
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (server.metrics().handshakesFailedTotal() < 1 && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(server.metrics().handshakesFailedTotal()).isEqualTo(1);
    }
  }

  @Test
  void tlskitServeOnTheNativeEngineWithHybridGroups() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", certPem.toString(), "--key", keyPem.toString(),
        "--provider", "native", "--groups", "X25519MLKEM768")) {
      assertThat(serve.await("groups X25519MLKEM768, provider native")).isNotEmpty();
      assertThat(NodePeer.client(dir, serve.port, rootPem, "X25519MLKEM768")).contains("GROUP X25519MLKEM768 TLSv1.3");
      assertThat(NodePeer.client(dir, serve.port, rootPem, "X25519")).contains("ERROR");
    }
    try (ServeRunner serve = new ServeRunner("--cert", certPem.toString(), "--key", keyPem.toString(),
        "--provider", "native", "--groups", "X25519MLKEM768,x25519")) {
      assertThat(NodePeer.client(dir, serve.port, rootPem, "X25519MLKEM768")).contains("GROUP X25519MLKEM768 TLSv1.3");
      assertThat(NodePeer.client(dir, serve.port, rootPem, "X25519")).contains("GROUP X25519 TLSv1.3");
    }
    MainTest.Result bad = MainTest.run("serve", "--port", "0", "--self-signed", "--provider", "native",
        "--groups", "SecP256r1MLKEM768");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--groups").contains("native engine");
  }
}
