package dev.tlskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.ImapLimits;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.ChannelBindingException;
import dev.tlskit.sasl.SaslMechanism;
import dev.tlskit.testpeer.GsaslImapServer;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCRAM-SHA-256-PLUS against a real SCRAM server with channel binding: GNU SASL 2.2 ({@code gsasl --server}) behind
 * an IMAP front with TLS ({@link GsaslImapServer}). gsasl judges the proof and the binding; its verdict and the GS2
 * header it was sent are read from its log, not from the client.
 */
class ScramPlusInteropTest {
  private static final String PASSWORD = "S3cret pass";
  private static final List<String> BOTH = List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256");

  @TempDir Path tmp;
  private final TlsClient client = MailTests.client(TestPki.get().clientContext());
  private GsaslImapServer server;

  @BeforeEach
  void start() throws IOException {
    server = GsaslImapServer.start(tmp, PASSWORD, BOTH, null);
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private ImapClient connect(int port) throws IOException {
    return ImapClient.connect(client, "127.0.0.1", port, "localhost", TlsMode.IMPLICIT, ImapLimits.DEFAULTS);
  }

  @Test
  void loginChoosesScramSha256PlusBoundWithTlsExporterAndGnuSaslAcceptsIt() throws Exception {
    try (ImapClient imap = connect(server.port)) {
      imap.login("alice", PASSWORD.toCharArray());
      imap.logout();
    }
    try (ImapClient imap = connect(server.port)) {
      imap.channelBinding(ChannelBinding.TLS_EXPORTER).login(SaslMechanism.SCRAM_SHA_256_PLUS, "bob",
          PASSWORD.toCharArray());
      imap.logout();
    }
    assertThat(server.awaitVerdicts(2)).allSatisfy(
        v -> assertThat(v).startsWith("mech=SCRAM-SHA-256-PLUS gs2=p=tls-exporter,, result=OK"));
  }

  @Test
  void aWrongPasswordWithBindingIsATypedRefusal() throws Exception {
    try (ImapClient imap = connect(server.port)) {
      assertThatThrownBy(() -> imap.login("alice", "wrong".toCharArray()))
          .isInstanceOfSatisfying(ChannelBindingException.class, e -> {
            assertThat(e.reason()).isEqualTo(ChannelBindingException.Reason.REJECTED);
            assertThat(e.binding()).isEqualTo(ChannelBinding.TLS_EXPORTER);
            assertThat(e.replyCode()).isEqualTo("NO");
          })
          .hasMessageContaining("either the password is wrong or the server does not compute the same binding");
    }
    assertThat(server.awaitVerdicts(1).get(0)).startsWith("mech=SCRAM-SHA-256-PLUS gs2=p=tls-exporter,, result=NO");
  }

  @Test
  void aBindingTypeTheServerDoesNotImplementIsRefusedAsTheBinding() throws Exception {
    // GNU SASL 2.2 implements tls-unique and tls-exporter, not tls-server-end-point
    try (ImapClient imap = connect(server.port)) {
      assertThatThrownBy(() -> imap.channelBinding(ChannelBinding.TLS_SERVER_END_POINT).login("alice",
          PASSWORD.toCharArray()))
          .isInstanceOfSatisfying(ChannelBindingException.class, e -> {
            assertThat(e.reason()).isEqualTo(ChannelBindingException.Reason.REJECTED);
            assertThat(e.binding()).isEqualTo(ChannelBinding.TLS_SERVER_END_POINT);
          });
    }
    assertThat(server.awaitVerdicts(1).get(0))
        .startsWith("mech=SCRAM-SHA-256-PLUS gs2=p=tls-server-end-point,, result=NO");
  }

  @Test
  void aTlsTerminatingManInTheMiddleIsCaughtByTheBindingAndNotWithout() throws Exception {
    // a proxy with a certificate the client trusts, relaying to the real server over a TLS session of its own:
    // the password proof alone cannot tell, the tls-exporter binding does
    try (Relay relay = new Relay(server.port)) {
      try (ImapClient imap = connect(relay.port())) {
        assertThatThrownBy(() -> imap.login("alice", PASSWORD.toCharArray()))
            .isInstanceOfSatisfying(ChannelBindingException.class,
                e -> assertThat(e.reason()).isEqualTo(ChannelBindingException.Reason.REJECTED));
      }
      try (ImapClient imap = connect(relay.port())) {
        imap.login(SaslMechanism.SCRAM_SHA_256, "alice", PASSWORD.toCharArray()); // told: no binding ("n")
        imap.logout();
      }
    }
    List<String> verdicts = server.awaitVerdicts(2);
    assertThat(verdicts.get(0)).startsWith("mech=SCRAM-SHA-256-PLUS gs2=p=tls-exporter,, result=NO");
    assertThat(verdicts.get(1)).startsWith("mech=SCRAM-SHA-256 gs2=n,, result=OK");
  }

  @Test
  void aStrippedPlusOfferIsDetectedByTheServerThroughTheYFlag() throws Exception {
    server.close();
    server = GsaslImapServer.start(tmp, PASSWORD, List.of("SCRAM-SHA-256"), null);
    try (ImapClient imap = connect(server.port)) {
      // gsasl can bind, but its -PLUS offer is missing: the client's "y" tells it someone removed the offer
      assertThatThrownBy(() -> imap.login("alice", PASSWORD.toCharArray()))
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.replyCode()).isEqualTo("NO"));
    }
    assertThat(server.awaitVerdicts(1).get(0)).startsWith("mech=SCRAM-SHA-256 gs2=y,, result=NO");
  }

  @Test
  void tlsExporterOverTls12IsUnavailableAndNothingIsSent() throws Exception {
    server.close();
    server = GsaslImapServer.start(tmp, PASSWORD, BOTH, "TLSv1.2");
    try (ImapClient imap = connect(server.port)) {
      assertThatThrownBy(() -> imap.channelBinding(ChannelBinding.TLS_EXPORTER).login("alice",
          PASSWORD.toCharArray()))
          .isInstanceOfSatisfying(ChannelBindingException.class,
              e -> assertThat(e.reason()).isEqualTo(ChannelBindingException.Reason.UNAVAILABLE))
          .hasMessageContaining("no credential was sent").hasMessageContaining("TLS 1.3");
      imap.login(SaslMechanism.SCRAM_SHA_256, "alice", PASSWORD.toCharArray()); // untouched: nothing was sent
      imap.logout();
    }
    assertThat(server.awaitVerdicts(1)).singleElement().asString()
        .startsWith("mech=SCRAM-SHA-256 gs2=n,, result=OK");
  }

  /** A TLS-terminating relay: TLS from the client ends here, and a new TLS session goes on to the server. */
  private static final class Relay implements AutoCloseable {
    private final SSLServerSocket listener;
    private final Thread acceptor;

    Relay(int upstreamPort) throws IOException {
      TestPki pki = TestPki.get();
      listener = (SSLServerSocket) pki.serverContext().getServerSocketFactory().createServerSocket(0, 5,
          InetAddress.getLoopbackAddress());
      acceptor = Thread.ofVirtual().start(() -> {
        while (!listener.isClosed()) {
          try {
            Socket down = listener.accept();
            SSLSocket up = (SSLSocket) pki.clientContext().getSocketFactory().createSocket("127.0.0.1",
                upstreamPort);
            pump(down.getInputStream(), up.getOutputStream(), up);
            pump(up.getInputStream(), down.getOutputStream(), down);
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    int port() {
      return listener.getLocalPort();
    }

    private static void pump(InputStream in, OutputStream out, Socket closeAfter) {
      Thread.ofVirtual().start(() -> {
        try (closeAfter) {
          in.transferTo(out);
        } catch (IOException e) {
          // one side went away; closing the other ends the pair
        }
      });
    }

    @Override
    public void close() throws Exception {
      listener.close();
      acceptor.join(5_000);
    }
  }
}
