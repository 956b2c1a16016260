package dev.tlskit.bc;

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
import dev.tlskit.certs.Fingerprints;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Offer and require post-quantum hybrid key exchange, client and server, on loopback (BouncyCastle on both ends). */
class PostQuantumTest {
  static final HeldCertificate ROOT = HeldCertificate.root("PQ Test Root");
  static final HeldCertificate LEAF = HeldCertificate.leaf(ROOT, "localhost", "127.0.0.1");
  static final TlsPolicy TRUST = TlsPolicy.builder().trust(Trust.anchors(ROOT.certificate())).build();
  static final List<TlsServer> SERVERS = new java.util.concurrent.CopyOnWriteArrayList<>();

  static TlsServer echo(TlsPolicy policy) throws IOException {
    return echo(policy, LEAF);
  }

  static TlsServer echo(TlsPolicy policy, HeldCertificate key) throws IOException {
    TlsServer s = TlsServer.builder(c -> c.writeLine("pq " + c.securityInfo().protocol()),
        ServerCertificates.of(key.certifiedKey())).listen("127.0.0.1", 0).policy(policy)
        .drainTimeout(Duration.ofSeconds(1)).start();
    SERVERS.add(s);
    return s;
  }

  @AfterAll
  static void stop() {
    SERVERS.forEach(TlsServer::close);
  }

  static String roundTrip(TlsPolicy client, TlsServer server) throws IOException {
    try (TlsConnection c = TlsClient.builder().policy(client).build().connectTls("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.securityInfo().validation().trusted()).isTrue();
      return c.readLine(1000);
    }
  }

  @Test
  void offerAndRequireMeetOnEcdsaAndRsaCertificates() throws Exception {
    // (not Ed25519: bctls's server does not take the JDK's EdDSA keys)
    for (KeyType type : List.of(KeyType.EC_P256, KeyType.EC_P384, KeyType.RSA_2048)) {
      HeldCertificate leaf = HeldCertificate.builder().keyType(type).signedBy(ROOT).addDnsName("localhost").build();
      TlsServer server = echo(PostQuantum.require(TRUST), leaf);
      assertThat(roundTrip(PostQuantum.offer(TRUST), server)).as(type.toString()).isEqualTo("pq TLSv1.3");
      assertThat(roundTrip(PostQuantum.require(TRUST), server)).as(type.toString()).isEqualTo("pq TLSv1.3");
    }
  }

  @Test
  void offerFallsBackToClassicalWithTheJdk() throws Exception {
    // a JDK server (no hybrid group) and a JDK client against a server that offers: both still connect
    assertThat(roundTrip(PostQuantum.offer(TRUST), echo(TRUST))).isEqualTo("pq TLSv1.3");
    assertThat(roundTrip(TRUST, echo(PostQuantum.offer(TRUST)))).isEqualTo("pq TLSv1.3");
    assertThat(roundTrip(PostQuantum.offer(TRUST).toBuilder().protocols("TLSv1.2").build(),
        echo(PostQuantum.offer(TRUST)))).isEqualTo("pq TLSv1.2");
  }

  @Test
  void requiringClientRefusesAClassicalServer() throws Exception {
    for (TlsPolicy classical : List.of(TRUST, // the JDK's provider
        TRUST.toBuilder().provider(dev.tlskit.internal.bc.BcJsse.provider()).build())) { // bctls, no hybrid listed
      TlsServer server = echo(classical);
      assertThatThrownBy(() -> roundTrip(PostQuantum.require(TRUST), server))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
            assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED);
            assertThat(e.handshakeFailure()).contains(ServerMetrics.HandshakeFailure.NO_SHARED_CIPHER);
            assertThat(e).hasMessageContaining("post-quantum key exchange required")
                .hasMessageContaining("X25519MLKEM768");
          });
    }
  }

  @Test
  void requiringServerRefusesAClassicalClient() throws Exception {
    TlsServer server = echo(PostQuantum.require(TRUST));
    assertThatThrownBy(() -> roundTrip(TRUST, server)).isInstanceOf(IOException.class);
    // the bctls client that lists secp256r1 (for its ECDSA schemes) but no hybrid: refused after the handshake
    TlsPolicy bcClassical = TRUST.toBuilder().provider(dev.tlskit.internal.bc.BcJsse.provider()).build();
    assertThatThrownBy(() -> roundTrip(bcClassical, server)).isInstanceOf(IOException.class);
    // the server counts a refusal after the client has seen it fail: wait for the second count
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (server.metrics().failed(ServerMetrics.HandshakeFailure.NO_SHARED_CIPHER) < 2 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(server.metrics().failed(ServerMetrics.HandshakeFailure.NO_SHARED_CIPHER)).isEqualTo(2);
  }

  @Test
  void pinsAndClientCertificatesHoldOnTheHybridPath() throws Exception {
    HeldCertificate client = HeldCertificate.builder().signedBy(ROOT).commonName("pq client")
        .build();
    TlsServer server = TlsServer.builder(c -> c.writeLine("client " + c.peerIdentity().map(Object::toString)
            .orElse("none")), ServerCertificates.of(LEAF.certifiedKey()))
        .listen("127.0.0.1", 0).policy(PostQuantum.require(TRUST)).clientAuth(TlsServer.ClientAuth.NEED)
        .drainTimeout(Duration.ofSeconds(1)).start();
    SERVERS.add(server);
    TlsPolicy withCert = TRUST.toBuilder().clientCertificate(client.certifiedKey())
        .pin(Fingerprints.spkiPin(LEAF.certificate())).build();
    assertThat(roundTrip(PostQuantum.require(withCert), server)).startsWith("client ").contains("pq client");
    TlsPolicy wrongPin = withCert.toBuilder().pin(Fingerprints.spkiPin(ROOT.certificate())).build();
    HeldCertificate other = HeldCertificate.leaf(HeldCertificate.root("Other"), "localhost");
    TlsPolicy pinnedElsewhere = TRUST.toBuilder().clientCertificate(client.certifiedKey())
        .pin(Fingerprints.spkiPin(other.certificate())).build();
    assertThatThrownBy(() -> roundTrip(PostQuantum.require(pinnedElsewhere), server))
        .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
          assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.CERTIFICATE_REJECTED);
          assertThat(e.report()).isPresent();
        });
    assertThat(roundTrip(PostQuantum.require(wrongPin), server)).contains("pq client"); // one pin matches: the root
  }

  @Test
  void starttlsInjectionIsRefusedBeforeTheHybridHandshake() throws Exception {
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (java.net.Socket s = listener.accept()) {
          // the "ready" reply and an injected line in one write: a man in the middle's answer to STARTTLS
          s.getOutputStream().write("220 ready\r\n250 injected\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          s.getInputStream().read();
        } catch (IOException ignored) {
          // the client hung up
        }
      });
      try (TlsConnection c = TlsClient.builder().policy(PostQuantum.require(TRUST)).build()
          .connectPlain("127.0.0.1", listener.getLocalPort(), "localhost")) {
        assertThat(c.readLine(100)).isEqualTo("220 ready");
        assertThatThrownBy(c::upgradeToTls).isInstanceOfSatisfying(TlsSecurityException.class,
            e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.INJECTION_DETECTED));
      }
    }
  }

  @Test
  void buildRefusesHybridGroupsTheProviderCannotOffer() {
    assertThatThrownBy(() -> TRUST.toBuilder().namedGroups(List.of("X25519MLKEM768", "x25519")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X25519MLKEM768 is not supported by the JDK's JSSE provider")
        .hasMessageContaining("PostQuantum");
    assertThatThrownBy(() -> PostQuantum.require(TRUST).toBuilder().namedGroups(List.of("x25519")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requires a post-quantum hybrid group");
    assertThatThrownBy(() -> PostQuantum.offer(TRUST).toBuilder().namedGroups(List.of("MLKEM1024x")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BouncyCastle's JSSE provider (bctls)")
        .hasMessageContaining("x25519mlkem768");
    assertThat(PostQuantum.offer(TRUST).namedGroups()).startsWith("X25519MLKEM768", "x25519");
    assertThat(PostQuantum.isRequired(PostQuantum.require(TRUST))).isTrue();
    assertThat(PostQuantum.isRequired(PostQuantum.offer(TRUST))).isFalse();
  }

  @Test
  void aRequiringPolicyIsNotHandedToOtherLibrariesAsABareContext() {
    assertThatThrownBy(() -> PostQuantum.require(TRUST).sslContext()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PostQuantum.require is enforced by TlsClient and TlsServer");
    assertThatThrownBy(() -> PostQuantum.require(TRUST).socketFactory()).isInstanceOf(IllegalStateException.class);
    assertThat(PostQuantum.offer(TRUST).sslContext().getProvider().getName()).isEqualTo("BCJSSE");
  }
}
