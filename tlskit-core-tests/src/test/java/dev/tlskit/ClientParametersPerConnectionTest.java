package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client's connections to different peer names, one after the other: each must send its own SNI and be verified
 * against its own name, whatever the connection before it used (the client keeps the last connection's parameters).
 */
class ClientParametersPerConnectionTest {
  @TempDir Path dir;
  ServerTestPki pki;
  TlsServer server;
  final LinkedBlockingQueue<Optional<String>> sniSeen = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    pki = ServerTestPki.create(dir, "Per-connection Test CA");
    ServerTestPki.Issued leaf = pki.server("localhost", "alt.test");
    server = TlsServer.builder(c -> {
      sniSeen.add(c.requestedServerName());
      c.writeLine("hello");
    }, ServerCertificates.builder().addPemFiles(leaf.chainFile(), leaf.keyFile()).build()).start();
  }

  @AfterEach
  void stop() {
    server.shutdown(java.time.Duration.ofSeconds(1));
  }

  @Test
  void eachConnectionSendsAndVerifiesItsOwnName() throws Exception {
    TlsClient client = TlsClient.builder()
        .policy(TlsPolicy.MODERN.toBuilder().trust(Trust.anchors(pki.caCertificate())).build()).build();
    expectAccepted(client, "localhost");
    expectAccepted(client, "localhost");
    expectAccepted(client, "alt.test");
    expectRefused(client, "wrong.test");
    expectAccepted(client, "localhost");
    expectRefused(client, "127.0.0.1"); // no SNI for an address, and the certificate does not name it
    expectAccepted(client, "alt.test");
  }

  @Test
  void aCallerSuppliedContextVerifiesEachConnectionsOwnName() throws Exception {
    TlsClient client = TlsClient.builder().dangerous().sslContext(pki.clientContext(null)).build();
    expectAccepted(client, "localhost");
    expectRefused(client, "wrong.test");
    expectAccepted(client, "alt.test");
    expectRefused(client, "127.0.0.1");
    expectAccepted(client, "localhost");
  }

  @Test
  void theSniNameIsMadeOncePerExactPeerName() {
    TlsClient client = TlsClient.builder().build();
    SNIHostName first = client.sniFor("localhost");
    assertThat(first).isEqualTo(new SNIHostName("localhost"));
    assertThat(client.sniFor("localhost")).as("the same name again: the name object made before").isSameAs(first);
    assertThat(client.sniFor("alt.test")).isEqualTo(new SNIHostName("alt.test"));
    assertThat(client.sniFor("localhost.")).as("a trailing dot is not sent").isEqualTo(new SNIHostName("localhost"));
    assertThat(client.sniFor("LOCALHOST").getAsciiName()).as("the exact name").isEqualTo("LOCALHOST");
    assertThat(client.sniFor("127.0.0.1")).as("no SNI for an address").isNull();
    assertThat(client.sniFor("127.0.0.1")).isNull();
    assertThat(client.sniFor("[::1]")).isNull();
    assertThat(client.sniFor("localhost").getAsciiName()).isEqualTo("localhost");
  }

  private void expectAccepted(TlsClient client, String peerName) throws Exception {
    try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), peerName)) {
      assertThat(c.readLine(100)).isEqualTo("hello");
      assertThat(c.securityInfo().peerName()).isEqualTo(peerName);
      assertThat(c.securityInfo().sniSent()).as("SNI sent for %s", peerName).isTrue();
    }
    assertThat(sniSeen.poll(10, TimeUnit.SECONDS)).as("SNI the server saw for %s", peerName).contains(peerName);
  }

  private void expectRefused(TlsClient client, String peerName) {
    assertThatThrownBy(() -> {
      try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), peerName)) {
        c.readLine(100);
      }
    }).as("connection to %s", peerName).isInstanceOfAny(TlsSecurityException.class, SSLException.class);
  }
}
