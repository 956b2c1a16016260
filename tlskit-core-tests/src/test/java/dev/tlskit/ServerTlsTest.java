package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ServerMetrics.HandshakeFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application secures sockets it accepted itself and gets what a TlsServer would have given it. */
class ServerTlsTest {
  @TempDir static Path dir;
  static ServerTestPki pki;
  static ServerTestPki.Issued server;
  static ServerTestPki.Issued alice;

  ServerSocket listener;

  @BeforeAll
  static void pki() throws Exception {
    pki = ServerTestPki.create(dir, "ServerTls Test CA");
    server = pki.server("a.test", "localhost");
    alice = pki.client("alice");
  }

  @BeforeEach
  void listen() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    listener.setSoTimeout(10_000);
  }

  @AfterEach
  void close() throws IOException {
    listener.close();
  }

  static TlsServer.Builder mutual() throws IOException {
    return TlsServer.builder(ServerCertificates.builder().addPemFiles(server.chainFile(), server.keyFile()).build())
        .clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(pki.caCertificate()))
        .handshakeTimeout(Duration.ofSeconds(5));
  }

  static TlsClient aliceClient() {
    return TlsClient.builder().timeout(Duration.ofSeconds(10)).policy(TlsPolicy.MODERN.toBuilder()
        .trust(Trust.anchors(pki.caCertificate())).clientCertificate(alice.certifiedKey()).build()).build();
  }

  /** Runs {@code client} on its own thread against the listener; returns what it returned or threw. */
  CompletableFuture<String> client(ClientSide client) {
    CompletableFuture<String> done = new CompletableFuture<>();
    int port = listener.getLocalPort();
    Thread.ofVirtual().start(() -> {
      try {
        done.complete(client.run(port));
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    return done;
  }

  interface ClientSide {
    String run(int port) throws Exception;
  }

  @Test
  void anApplicationSecuresASocketItAcceptedAtOnceAndSeesThePeerAsATlsServerWould() throws Exception {
    ServerTls tls = mutual().buildServerTls();
    CompletableFuture<String> answer = client(port -> {
      try (TlsConnection c = aliceClient().connectTls("127.0.0.1", port, "localhost")) {
        return c.readLine(100);
      }
    });
    try (ServerConnection c = tls.secure(listener.accept())) {
      assertThat(c.isTls()).isTrue();
      assertThat(c.peerIdentity().map(PeerIdentity::subject)).contains("CN=alice");
      assertThat(c.securityInfo().validation().verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
      assertThat(c.requestedServerName()).contains("localhost");
      c.writeLine("hello " + c.peerIdentity().orElseThrow().subject());
    }
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("hello CN=alice");
    assertThat(tls.metrics().handshakesOk()).isEqualTo(1);
  }

  @Test
  void anApplicationSecuresASocketAfterItsOwnPlaintextExchange() throws Exception {
    ServerTls tls = mutual().buildServerTls();
    CompletableFuture<String> answer = client(port -> {
      try (TlsConnection c = aliceClient().connectPlain("127.0.0.1", port, "localhost")) {
        String greeting = c.readLine(100);
        c.output().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        c.output().flush();
        String go = c.readLine(100);
        c.upgradeToTls();
        return greeting + " / " + go + " / " + c.readLine(100);
      }
    });
    try (ServerConnection c = tls.plaintext(listener.accept())) {
      c.writeLine("220 own protocol");
      assertThat(c.readLine(100)).isEqualTo("STARTTLS");
      SecurityInfo info = c.upgradeToTls("220 go ahead");
      assertThat(info.peerChain().get(0)).isEqualTo(alice.leaf());
      c.writeLine("secured for " + c.peerIdentity().orElseThrow().subject());
    }
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("220 own protocol / 220 go ahead / secured for CN=alice");
  }

  @Test
  void plaintextPipelinedAfterTheUpgradeCommandIsRefusedOnAnAdoptedSocket() throws Exception {
    ServerTls tls = mutual().buildServerTls();
    CompletableFuture<String> seen = client(port -> {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        byte[] greeting = in.readNBytes("220 hi\r\n".length());
        s.getOutputStream().write("STARTTLS\r\nEHLO injected\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return new String(greeting, StandardCharsets.US_ASCII) + new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      }
    });
    ServerConnection c = tls.plaintext(listener.accept());
    c.writeLine("220 hi");
    assertThat(c.readLine(100)).isEqualTo("STARTTLS");
    Thread.sleep(200); // the injected line has arrived
    assertThatThrownBy(() -> c.upgradeToTls("220 go ahead")).isInstanceOfSatisfying(TlsSecurityException.class,
        e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.INJECTION_DETECTED));
    assertThat(seen.get(10, TimeUnit.SECONDS)).as("nothing answered after the refused upgrade").isEqualTo("220 hi\r\n");
    assertThat(tls.metrics().failed(HandshakeFailure.INJECTION_DETECTED)).isEqualTo(1);
  }

  @Test
  void theAuthorizerAndTheClientCertificateRuleApplyToAdoptedSockets() throws Exception {
    ServerTls tls = mutual().authorizer(c -> false).buildServerTls();
    CompletableFuture<String> refusedClient = client(port -> {
      try (TlsConnection c = aliceClient().connectTls("127.0.0.1", port, "localhost")) {
        return c.readLine(100);
      }
    });
    Socket accepted = listener.accept();
    assertThatThrownBy(() -> tls.secure(accepted)).isInstanceOfSatisfying(TlsSecurityException.class,
        e -> assertThat(e.handshakeFailure()).contains(HandshakeFailure.PEER_NOT_AUTHORIZED));
    assertThat(accepted.isClosed()).isTrue();
    assertThatThrownBy(() -> refusedClient.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);

    CompletableFuture<String> anonymous = client(port -> {
      try (TlsConnection c = TlsClient.builder().timeout(Duration.ofSeconds(10)).policy(TlsPolicy.MODERN.toBuilder()
          .trust(Trust.anchors(pki.caCertificate())).build()).build().connectTls("127.0.0.1", port, "localhost")) {
        return c.readLine(100);
      }
    });
    ServerTls needs = mutual().buildServerTls();
    assertThatThrownBy(() -> needs.secure(listener.accept())).isInstanceOfSatisfying(TlsSecurityException.class,
        e -> assertThat(e.handshakeFailure()).contains(HandshakeFailure.CLIENT_CERTIFICATE_MISSING));
    assertThatThrownBy(() -> anonymous.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    assertThat(needs.metrics().failed(HandshakeFailure.CLIENT_CERTIFICATE_MISSING)).isEqualTo(1);
  }

  @Test
  void aServerWithoutAHandlerIsRefusedWhenStartedButSecuresSockets() throws Exception {
    assertThatThrownBy(() -> mutual().start()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("handler").hasMessageContaining("buildServerTls");
    assertThatThrownBy(() -> TlsServer.builder(ServerCertificates.builder()
        .addPemFiles(server.chainFile(), server.keyFile()).build()).clientAuth(TlsServer.ClientAuth.NEED)
        .buildServerTls()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("system trust");
  }
}
