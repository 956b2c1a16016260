package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.testpeer.TestPki;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;

/**
 * A data connection that does not resume the control session proves nothing by resumption, so it must reach the
 * control connection's server by its certificate: a certificate from the same trusted CA, for the same name, but not
 * the control connection's, is refused. Real servers present one certificate; this implicit-FTPS peer presents
 * another on its data connections, as something in the path with a certificate for the name could.
 */
class DataConnectionIdentityTest {
  private final TestPki pki = TestPki.get();

  @Test
  void dataConnectionWithTheControlConnectionsCertificateIsUsedWithoutResumption() throws Exception {
    try (Peer peer = new Peer(context(pki.leaf))) {
      try (FtpSession s = login(peer)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransferResult r = s.retrieve("f", out, 0, TransferListener.NONE);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("file body");
        assertThat(r.protection().sessionResumed()).isFalse(); // a data context of its own: nothing to resume
      }
    }
  }

  @Test
  void dataConnectionWithAnotherCertificateForTheSameNameIsRefused() throws Exception {
    HeldCertificate other = HeldCertificate.leaf(pki.ca, "localhost", "127.0.0.1");
    try (Peer peer = new Peer(context(other))) {
      try (FtpSession s = login(peer)) {
        assertThatThrownBy(() -> s.retrieve("f", new ByteArrayOutputStream(), 0, TransferListener.NONE))
            .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
              assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.CERTIFICATE_REJECTED);
              assertThat(e.getMessage()).contains("certificate other than the control connection's");
            });
      }
    }
  }

  @Test
  void dataConnectionWithAnUntrustedCertificateIsRefusedByValidation() throws Exception {
    HeldCertificate stranger = HeldCertificate.leaf(HeldCertificate.root("Another CA"), "localhost", "127.0.0.1");
    try (Peer peer = new Peer(context(stranger))) {
      try (FtpSession s = login(peer)) {
        assertThatThrownBy(() -> s.retrieve("f", new ByteArrayOutputStream(), 0, TransferListener.NONE))
            .isInstanceOfSatisfying(TlsSecurityException.class,
                e -> assertThat(e.getMessage()).contains("TLS handshake on the data connection for RETR failed"));
      }
    }
  }

  /** FileZilla Server ends the handshake of a data connection that did not resume, and says why on the control. */
  @Test
  void aHandshakeCutWithAReplyNamingResumptionIsTheServersReuseRefusal() throws Exception {
    try (Peer peer = new Peer(null, "450 TLS session of data connection has not resumed or the session does not"
        + " match the control connection")) {
      try (FtpSession s = login(peer)) {
        assertThatThrownBy(() -> s.retrieve("f", new ByteArrayOutputStream(), 0, TransferListener.NONE))
            .isInstanceOfSatisfying(SessionReuseRequiredException.class, e -> {
              assertThat(e.replyCode()).isEqualTo("450");
              assertThat(e.getMessage()).contains("(handshake failed, JDK SSLEngine");
            });
      }
    }
  }

  private FtpSession login(Peer peer) throws Exception {
    FtpSession s = FtpClient.builder().tlsMode(TlsMode.IMPLICIT)
        .policy(TlsPolicy.builder().trust(Trust.anchors(pki.ca.certificate())).build()).build()
        .connect("127.0.0.1", peer.port(), "localhost");
    s.login("u", "p".toCharArray());
    return s;
  }

  private static SSLContext context(HeldCertificate leaf) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(leaf.certifiedKey().toKeyStore("leaf", new char[0]), new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** Implicit FTPS with the test PKI's leaf on the control connection and {@code data}'s certificate on data. */
  private final class Peer implements AutoCloseable {
    private final SSLServerSocket control;
    private final ServerSocket data;
    private final String afterData;

    Peer(SSLContext dataContext) throws Exception {
      this(dataContext, "226 done");
    }

    /** {@code dataContext} null: the data connection is closed at once, during the client's handshake. */
    Peer(SSLContext dataContext, String afterData) throws Exception {
      InetAddress lo = InetAddress.getLoopbackAddress();
      control = (SSLServerSocket) pki.serverContext().getServerSocketFactory().createServerSocket(0, 1, lo);
      data = dataContext == null ? new ServerSocket(0, 1, lo)
          : dataContext.getServerSocketFactory().createServerSocket(0, 1, lo);
      this.afterData = afterData;
      Thread.ofVirtual().start(this::serve);
    }

    int port() {
      return control.getLocalPort();
    }

    private void serve() {
      try (Socket s = control.accept()) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        send(out, "220 identity test");
        String line;
        while ((line = in.readLine()) != null) {
          String verb = line.split(" ")[0];
          switch (verb) {
            case "USER" -> send(out, "331 password");
            case "PASS" -> send(out, "230 in");
            case "FEAT" -> send(out, "502 no");
            case "EPSV" -> send(out, "229 Entering Extended Passive Mode (|||" + data.getLocalPort() + "|)");
            case "RETR" -> {
              send(out, "150 here it comes");
              try (Socket d = data.accept()) {
                d.setSoTimeout(10_000);
                if (data instanceof SSLServerSocket) {
                  d.getOutputStream().write("file body".getBytes(StandardCharsets.US_ASCII));
                }
              } catch (Exception e) {
                // the client may refuse the data connection: the control connection goes on
              }
              send(out, afterData);
            }
            case "QUIT" -> {
              send(out, "221 bye");
              return;
            }
            default -> send(out, "200 ok");
          }
        }
      } catch (Exception ignored) {
        // the test asserts on the client side
      }
    }

    private void send(OutputStream out, String reply) throws java.io.IOException {
      out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws Exception {
      control.close();
      data.close();
    }
  }
}
