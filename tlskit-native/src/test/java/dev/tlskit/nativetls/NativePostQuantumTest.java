package dev.tlskit.nativetls;

import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.TRUST_ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerMetrics;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsServer;
import dev.tlskit.bc.PostQuantum;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Post-quantum hybrid key exchange (X25519MLKEM768) on the native engine: {@code PostQuantum.offer}/{@code require}
 * keep a policy's native provider (BoringSSL negotiates the hybrid itself), both sides name the group, TLS 1.3
 * sessions resume, and a peer without the hybrid group meets a typed refusal, never a classical connection.
 */
class NativePostQuantumTest {
  static final TlsPolicy NATIVE = TRUST_ROOT.toBuilder().provider(NativeTls.provider()).build();

  /** The server's SecurityInfo of each connection. */
  final BlockingQueue<SecurityInfo> serverSide = new ArrayBlockingQueue<>(16);

  TlsServer server(TlsPolicy policy) throws IOException {
    return TlsServer.builder(c -> {
      serverSide.add(c.securityInfo());
      c.writeLine("hello");
    }, ServerCertificates.of(GOOD.certifiedKey())).policy(policy).listen("127.0.0.1", 0)
        .drainTimeout(Duration.ofSeconds(1)).start();
  }

  static SecurityInfo connect(TlsClient client, int port) throws IOException {
    try (TlsConnection c = client.connectTls("127.0.0.1", port, "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("hello");
      return c.securityInfo();
    }
  }

  static TlsClient client(TlsPolicy policy) {
    return TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build();
  }

  @Test
  void offerAndRequireStayOnTheNativeEngine() {
    TlsPolicy offer = PostQuantum.offer(NATIVE);
    TlsPolicy require = PostQuantum.require(NATIVE);
    assertThat(offer.provider()).isSameAs(NativeTls.provider());
    assertThat(offer.namedGroups().get(0)).isEqualTo("X25519MLKEM768");
    assertThat(offer.namedGroups()).contains("x25519");
    assertThat(require.provider()).isSameAs(NativeTls.provider());
    assertThat(require.namedGroups()).containsExactly("X25519MLKEM768");
    assertThat(require.protocols()).containsExactly("TLSv1.3");
    assertThat(PostQuantum.isRequired(require)).isTrue();
    assertThat(PostQuantum.isRequired(offer)).isFalse();
    assertThat(PostQuantum.withGroups(NATIVE, List.of("X25519MLKEM768", "x25519")).provider())
        .isSameAs(NativeTls.provider());
    assertThat(PostQuantum.isRequired(PostQuantum.withGroups(NATIVE, List.of("X25519MLKEM768")))).isTrue();
  }

  @Test
  void requireOnBothSidesNegotiatesTheHybridGroupAndResumesOnTls13() throws Exception {
    TlsPolicy require = PostQuantum.require(NATIVE);
    try (TlsServer server = server(require)) {
      TlsClient client = client(require);
      SecurityInfo first = connect(client, server.port());
      assertThat(first.protocol()).isEqualTo("TLSv1.3");
      assertThat(first.keyExchangeGroup()).isEqualTo("X25519MLKEM768");
      assertThat(first.resumed()).isFalse();
      assertThat(first.validation().trusted()).isTrue();
      SecurityInfo atServer = serverSide.poll(5, TimeUnit.SECONDS);
      assertThat(atServer.keyExchangeGroup()).isEqualTo("X25519MLKEM768");
      SecurityInfo second = connect(client, server.port());
      assertThat(second.resumed()).isTrue();
      assertThat(second.keyExchangeGroup()).isEqualTo("X25519MLKEM768"); // TLS 1.3 resumption with a new key share
    }
  }

  @Test
  void offerFallsBackToAClassicalServerAndReachesAHybridOne() throws Exception {
    try (TlsServer classical = server(NATIVE); TlsServer hybrid = server(PostQuantum.require(NATIVE))) {
      TlsClient offer = client(PostQuantum.offer(NATIVE));
      assertThat(connect(offer, classical.port()).keyExchangeGroup()).isEqualTo("x25519");
      assertThat(connect(offer, hybrid.port()).keyExchangeGroup()).isEqualTo("X25519MLKEM768");
    }
  }

  @Test
  void requireAgainstAClassicalServerIsATypedRefusal() throws Exception {
    try (TlsServer classical = server(NATIVE)) {
      assertThatThrownBy(() -> connect(client(PostQuantum.require(NATIVE)), classical.port()))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
            assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED);
            assertThat(e.handshakeFailure()).contains(ServerMetrics.HandshakeFailure.NO_SHARED_CIPHER);
            assertThat(e).hasMessageContaining("post-quantum key exchange required");
          });
    }
  }

  @Test
  void aServerThatRequiresTheHybridGroupRefusesClassicalClients() throws Exception {
    try (TlsServer server = server(PostQuantum.require(NATIVE))) {
      for (TlsPolicy classical : List.of(NATIVE, TRUST_ROOT)) { // native and JDK clients
        assertThatThrownBy(() -> connect(client(classical), server.port()))
            .isInstanceOf(TlsSecurityException.class);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (server.metrics().handshakesFailedTotal() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(server.metrics().handshakesFailedTotal()).isEqualTo(2);
      assertThat(serverSide).isEmpty();
    }
  }

  /**
   * BoringSSL refuses a classical group itself when only hybrids are listed; the check after the handshake confirms
   * its answer. Here the socket's own list is BoringSSL's default (classical) while the hook was told "hybrid only",
   * as if BoringSSL had not applied the list: the check refuses the handshake, naming the group.
   */
  @Test
  void theCheckAfterTheHandshakeRefusesAClassicalGroupWhenOnlyHybridsWereListed() throws Exception {
    try (TlsServer classical = server(NATIVE)) {
      javax.net.ssl.SSLContext ctx = NATIVE.sslContext();
      try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(
          new java.net.Socket("127.0.0.1", classical.port()), "localhost", classical.port(), true)) {
        dev.tlskit.nativetls.internal.NativeProvider hook = dev.tlskit.nativetls.internal.NativeProvider.INSTANCE;
        hook.configure(s, List.of("X25519MLKEM768"));
        s.startHandshake();
        assertThatThrownBy(() -> hook.checkHandshake(s)).isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
            .hasMessageContaining("post-quantum key exchange required").hasMessageContaining("negotiated x25519");
      }
    }
  }

  @Test
  void whatTheNativeEngineCannotGiveIsRefusedAtBuild() {
    // BouncyCastle's require policy with the native provider put in afterwards: the requirement would be lost
    assertThatThrownBy(() -> PostQuantum.require(TRUST_ROOT).toBuilder().provider(NativeTls.provider()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostQuantum.require");
    // a hybrid BoringSSL lacks
    assertThatThrownBy(() -> NATIVE.toBuilder().namedGroups(List.of("SecP256r1MLKEM768")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("native engine")
        .hasMessageContaining("SecP256r1MLKEM768");
    assertThatThrownBy(() -> PostQuantum.withGroups(NATIVE, List.of("SecP384r1MLKEM1024")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("native engine");
  }
}
