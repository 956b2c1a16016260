package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ServerMetrics.HandshakeFailure;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server reads as the client does: its builder follows the policy's rules (contradictions are argument errors,
 * ALPN names are checked, {@code toBuilder}), and both sides describe a session and name a failed handshake alike.
 */
class ServerMirrorsClientTest {
  @TempDir static Path dir;
  static ServerTestPki pki;
  static ServerTestPki.Issued serverA;
  static ServerTestPki.Issued alice;

  final List<TlsServer> servers = new ArrayList<>();

  @BeforeAll
  static void pki() throws Exception {
    pki = ServerTestPki.create(dir, "Mirror Test CA");
    serverA = pki.server("a.test", "localhost");
    alice = pki.client("alice");
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.shutdown(Duration.ofSeconds(1)));
  }

  TlsServer start(TlsServer.Builder b) throws IOException {
    TlsServer s = b.drainTimeout(Duration.ofSeconds(1)).start();
    servers.add(s);
    return s;
  }

  static ServerCertificates certs() throws IOException {
    return ServerCertificates.builder().addPemFiles(serverA.chainFile(), serverA.keyFile()).build();
  }

  static TlsClient client(TlsPolicy.Builder policy) {
    return TlsClient.builder().timeout(Duration.ofSeconds(10))
        .policy(policy.trust(Trust.anchors(pki.caCertificate())).build()).build();
  }

  @Test
  void trustedClientIssuersSurviveAPolicySetAfterThem() throws Exception {
    CompletableFuture<String> seen = new CompletableFuture<>();
    TlsServer server = start(TlsServer.builder(c -> {
      seen.complete(c.peerIdentity().map(PeerIdentity::subject).orElse("none"));
      c.writeLine("hi");
    }, certs()).clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(pki.caCertificate()))
        .policy(TlsPolicy.MODERN));
    TlsClient client = client(TlsPolicy.MODERN.toBuilder().clientCertificate(alice.certifiedKey()));
    try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("hi");
    }
    assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("CN=alice");
  }

  @Test
  void trustedClientIssuersAndAPolicyTrustingItsOwnAnchorsAreRefusedNamingBoth() throws Exception {
    TlsPolicy ownTrust = TlsPolicy.MODERN.toBuilder().trust(Trust.anchors(alice.leaf())).build();
    assertThatThrownBy(() -> TlsServer.builder(c -> { }, certs()).clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(pki.caCertificate())).policy(ownTrust).start())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trustedClientIssuers")
        .hasMessageContaining("policy's own trust");
  }

  @Test
  void contradictorySettingsAreArgumentErrorsAsInThePolicy() throws Exception {
    ServerCertificates certs = certs();
    List<TlsServer.Builder> contradictions = List.of(
        TlsServer.builder(c -> { }, certs).clientAuth(TlsServer.ClientAuth.NEED),
        TlsServer.builder(c -> { }, certs).trustedClientIssuers(List.of(pki.caCertificate())),
        TlsServer.builder(c -> { }, certs).alpnRequired(true),
        TlsServer.builder(c -> { }, certs).maxConnections(2).maxHandshakes(3),
        TlsServer.builder(c -> { }, certs).setupTimeout(Duration.ofSeconds(1)));
    for (TlsServer.Builder b : contradictions) {
      assertThatThrownBy(b::start).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void alpnNamesAreCheckedAsThePolicyChecksThem() throws Exception {
    TlsServer.Builder b = TlsServer.builder(c -> { }, certs());
    assertThatThrownBy(() -> b.alpn("h2", "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid ALPN protocol: ''");
    assertThatThrownBy(() -> b.alpn("x".repeat(256))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid ALPN protocol");
    assertThatThrownBy(() -> TlsPolicy.builder().alpn("")).hasMessageContaining("invalid ALPN protocol: ''");
  }

  @Test
  void toBuilderStartsAnotherServerWithTheSameSettingsAndLeavesTheFirstAlone() throws Exception {
    ServerHandler greet = c -> c.writeLine("220 ready");
    TlsServer first = start(TlsServer.builder(greet, certs()).mode(TlsMode.STARTTLS).alpn("smtp"));
    TlsServer.Builder again = first.toBuilder();
    TlsServer second = start(again);
    assertThat(second.port()).isNotEqualTo(first.port());
    try (Socket s = new Socket("127.0.0.1", second.port())) { // STARTTLS mode carried over: plaintext greeting
      s.setSoTimeout(10_000);
      assertThat(new String(s.getInputStream().readNBytes(11), StandardCharsets.US_ASCII)).isEqualTo("220 ready\r\n");
    }
    again.mode(TlsMode.IMPLICIT); // changing the copy changes neither server, nor what toBuilder returns next
    TlsServer third = start(first.toBuilder());
    try (Socket s = new Socket("127.0.0.1", third.port())) {
      s.setSoTimeout(10_000);
      assertThat(new String(s.getInputStream().readNBytes(11), StandardCharsets.US_ASCII)).isEqualTo("220 ready\r\n");
    }
  }

  @Test
  void clientAndServerNameAFailedHandshakeInOneVocabulary() throws Exception {
    TlsServer server = start(TlsServer.builder(c -> c.writeLine("hi"), certs())
        .policy(TlsPolicy.MODERN.toBuilder().protocols("TLSv1.3").build()));
    TlsClient client = client(TlsPolicy.MODERN.toBuilder().protocols("TLSv1.2"));
    assertThatThrownBy(() -> client.connectTls("127.0.0.1", server.port(), "localhost"))
        .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
          assertThat(e.handshakeFailure()).contains(HandshakeFailure.PROTOCOL_VERSION);
          assertThat(e.reason()).isEqualTo(HandshakeFailure.PROTOCOL_VERSION.reason())
              .isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED);
        });
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.metrics().failed(HandshakeFailure.PROTOCOL_VERSION) == 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(server.metrics().failed(HandshakeFailure.PROTOCOL_VERSION)).isEqualTo(1);
  }

  @Test
  void aServerSideRefusalCarriesTheFailureItWasCountedAs() throws Exception {
    CompletableFuture<TlsSecurityException> thrown = new CompletableFuture<>();
    TlsServer server = start(TlsServer.builder(c -> {
      c.writeLine("220 ready");
      c.readLine(100);
      try {
        c.upgradeToTls("220 go ahead");
      } catch (TlsSecurityException e) {
        thrown.complete(e);
      }
    }, certs()).mode(TlsMode.STARTTLS).authorizer(c -> false));
    TlsClient client = client(TlsPolicy.MODERN.toBuilder());
    try (TlsConnection c = client.connectPlain("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("220 ready");
      c.output().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      c.output().flush();
      assertThat(c.readLine(100)).isEqualTo("220 go ahead");
      c.upgradeToTls();
      assertThatThrownBy(() -> c.readLine(100)).isInstanceOf(IOException.class);
    }
    TlsSecurityException e = thrown.get(5, TimeUnit.SECONDS);
    assertThat(e.handshakeFailure()).contains(HandshakeFailure.PEER_NOT_AUTHORIZED);
    assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.PEER_NOT_AUTHORIZED);
    assertThat(server.metrics().failed(HandshakeFailure.PEER_NOT_AUTHORIZED)).isEqualTo(1);
  }

  @Test
  void bothSidesDescribeOneSessionWithTheSameRules() throws Exception {
    assertThat(alice.leaf().getPublicKey().getAlgorithm()).isEqualTo("EC");
    CompletableFuture<SecurityInfo> serverSide = new CompletableFuture<>();
    TlsPolicy.Builder oneGroup = TlsPolicy.MODERN.toBuilder().namedGroups(List.of("x25519"));
    TlsServer server = start(TlsServer.builder(c -> {
      serverSide.complete(c.securityInfo());
      c.writeLine("hi");
    }, certs()).clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(pki.caCertificate()))
        .policy(oneGroup.build()));
    TlsClient client = client(oneGroup.clientCertificate(alice.certifiedKey()));
    SecurityInfo clientSide;
    try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("hi");
      clientSide = c.securityInfo();
    }
    SecurityInfo info = serverSide.get(5, TimeUnit.SECONDS);
    assertThat(info.keyExchangeGroup()).isEqualTo(clientSide.keyExchangeGroup()).isEqualTo("x25519");
    // TLS 1.3 forces the scheme of an EC P-256 key, whichever side presents it
    assertThat(info.signatureScheme()).isEqualTo("ecdsa_secp256r1_sha256");
    assertThat(info.peerKeyType()).isEqualTo("EC");
    assertThat(info.protocol()).isEqualTo(clientSide.protocol());
    assertThat(info.cipherSuite()).isEqualTo(clientSide.cipherSuite());
    assertThat(info.localChain()).isEqualTo(clientSide.peerChain());
    assertThat(info.peerChain()).isEqualTo(clientSide.localChain());
  }
}
