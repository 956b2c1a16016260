package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.ftp.testing.ImplicitFtpsPeer;
import dev.tlskit.testpeer.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
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
    try (ImplicitFtpsPeer peer = peer(context(pki.leaf))) {
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
    try (ImplicitFtpsPeer peer = peer(context(other))) {
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
    try (ImplicitFtpsPeer peer = peer(context(stranger))) {
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
    try (ImplicitFtpsPeer peer = new ImplicitFtpsPeer(pki, null, ImplicitFtpsPeer.CLOSE, "450 TLS session of data"
        + " connection has not resumed or the session does not match the control connection")) {
      try (FtpSession s = login(peer)) {
        assertThatThrownBy(() -> s.retrieve("f", new ByteArrayOutputStream(), 0, TransferListener.NONE))
            .isInstanceOfSatisfying(SessionReuseRequiredException.class, e -> {
              assertThat(e.replyCode()).isEqualTo("450");
              assertThat(e.getMessage()).contains("(handshake failed, JDK SSLEngine");
            });
      }
    }
  }

  /** Implicit FTPS with the test PKI's leaf on the control connection and {@code data}'s certificate on data. */
  private ImplicitFtpsPeer peer(SSLContext data) throws Exception {
    return new ImplicitFtpsPeer(pki, data, ImplicitFtpsPeer.SEND_FILE, "226 done");
  }

  private FtpSession login(ImplicitFtpsPeer peer) throws Exception {
    FtpSession s = FtpClient.builder().tlsMode(TlsMode.IMPLICIT)
        .client(TlsClient.builder().policy(TlsPolicy.builder().trust(Trust.anchors(pki.ca.certificate())).build())
            .build()).build()
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
}
