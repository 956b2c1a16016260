package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
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

  /**
   * The parameters a connection's socket ends with are its own defaults with the client's settings applied, exactly as
   * reading the socket's parameters, changing them and writing them back gives (what the client did before it started
   * from an empty SSLParameters for the JDK's sockets): every field, for TlsKit's context and a caller-supplied one,
   * with and without ALPN, for a name and an address.
   */
  @Test
  void theSocketEndsWithItsOwnDefaultsAndTheClientsSettings() throws Exception {
    TlsPolicy trusting = TlsPolicy.MODERN.toBuilder().trust(Trust.anchors(pki.caCertificate())).build();
    List<TlsClient> clients = List.of(TlsClient.builder().policy(trusting).build(),
        TlsClient.builder().policy(trusting.toBuilder().alpn("h2", "http/1.1").build()).build(),
        TlsClient.builder().dangerous().sslContext(pki.clientContext(null)).build());
    for (TlsClient client : clients) {
      for (String peerName : List.of("localhost", "127.0.0.1")) {
        SSLSocket made = (SSLSocket) client.sslContext().getSocketFactory().createSocket();
        SSLSocket roundTrip = (SSLSocket) client.sslContext().getSocketFactory().createSocket();
        try (made; roundTrip) {
          made.setSSLParameters(client.parametersFor(made, peerName));
          SSLParameters p = roundTrip.getSSLParameters();
          client.policy().applyTo(p);
          if (clients.indexOf(client) == 2) p.setEndpointIdentificationAlgorithm("HTTPS"); // the caller's context
          SNIHostName sni = client.sniFor(peerName);
          p.setServerNames(sni == null ? List.of() : List.of(sni));
          roundTrip.setSSLParameters(p);
          assertThat(fields(made.getSSLParameters())).as("client %d, %s", clients.indexOf(client), peerName)
              .isEqualTo(fields(roundTrip.getSSLParameters()));
        }
      }
    }
  }

  private static List<Object> fields(SSLParameters p) {
    return Arrays.asList(List.of(p.getProtocols()), List.of(p.getCipherSuites()), p.getNeedClientAuth(),
        p.getWantClientAuth(), p.getEndpointIdentificationAlgorithm(), p.getAlgorithmConstraints(),
        p.getServerNames(), p.getSNIMatchers(), p.getUseCipherSuitesOrder(), p.getEnableRetransmissions(),
        p.getMaximumPacketSize(), List.of(p.getApplicationProtocols()), Arrays.asList(p.getSignatureSchemes()),
        Arrays.asList(p.getNamedGroups()));
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
