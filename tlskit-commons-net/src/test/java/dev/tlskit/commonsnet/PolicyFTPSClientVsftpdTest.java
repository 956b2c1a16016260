package dev.tlskit.commonsnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.CertificateProblem;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.ValidationReport;
import dev.tlskit.ftp.testing.Vsftpd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commons Net's FTPSClient swapped for PolicyFTPSClient, against real vsftpd with {@code require_ssl_reuse=YES}: every
 * transfer, explicit and implicit, TLS 1.3 and TLS 1.2, resumes the control session; a plain FTPSClient gets 522.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyFTPSClientVsftpdTest {
  @TempDir static Path tmp;
  private Vsftpd explicit13;
  private Vsftpd explicit12;
  private Vsftpd implicit13;
  private Vsftpd implicit12;
  private byte[] big;

  @BeforeAll
  void startServers() throws Exception {
    explicit13 = Vsftpd.start(Files.createDirectory(tmp.resolve("e13")), false, null);
    explicit12 = Vsftpd.start(Files.createDirectory(tmp.resolve("e12")), false, "TLSv1.2");
    implicit13 = Vsftpd.start(Files.createDirectory(tmp.resolve("i13")), true, null);
    implicit12 = Vsftpd.start(Files.createDirectory(tmp.resolve("i12")), true, "TLSv1.2");
    big = new byte[1024 * 1024 + 17];
    new Random(7).nextBytes(big);
  }

  @AfterAll
  void stopServers() throws Exception {
    for (Vsftpd v : new Vsftpd[] {explicit13, explicit12, implicit13, implicit12}) {
      if (v != null) v.close();
    }
  }

  private static void login(FTPSClient ftps, Vsftpd v) throws IOException {
    ftps.connect("localhost", v.port);
    assertThat(ftps.login(Vsftpd.USER, Vsftpd.PASSWORD)).as(ftps.getReplyString()).isTrue();
    ftps.execPBSZ(0);
    ftps.execPROT("P");
    ftps.enterLocalPassiveMode();
    ftps.setFileType(FTP.BINARY_FILE_TYPE);
  }

  /** Uploads twice, lists, downloads twice; asserts every data connection resumed and the bytes came back. */
  private void transfersResume(Vsftpd v, boolean implicit, String protocol) throws Exception {
    PolicyFTPSClient ftps = new PolicyFTPSClient(v.policy(), implicit);
    try {
      login(ftps, v);
      assertThat(ftps.controlSecurity().protocol()).isEqualTo(protocol);
      for (int i = 0; i < 2; i++) {
        assertThat(ftps.storeFile("up" + i + ".bin", new ByteArrayInputStream(big))).as(ftps.getReplyString())
            .isTrue();
        assertResumed(ftps, protocol);
      }
      assertThat(ftps.listNames()).contains("up0.bin", "up1.bin");
      assertResumed(ftps, protocol);
      for (int i = 0; i < 2; i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ftps.retrieveFile("up" + i + ".bin", out)).as(ftps.getReplyString()).isTrue();
        assertThat(out.toByteArray()).isEqualTo(big);
        assertResumed(ftps, protocol);
      }
      assertThat(ftps.logout()).isTrue();
    } finally {
      ftps.disconnect();
    }
  }

  private static void assertResumed(PolicyFTPSClient ftps, String protocol) {
    SecurityInfo data = ftps.lastDataSecurity();
    assertThat(data.protocol()).isEqualTo(protocol);
    assertThat(data.resumed()).as("data connection resumed the control session").isTrue();
    assertThat(data.peerName()).isEqualTo("localhost");
    // vsftpd chooses secp256r1 (as seen in its ServerHello, TLS 1.3 and 1.2 alike); a TLS 1.2 resumption exchanges
    // no key, a TLS 1.3 one (psk_dhe_ke) exchanges one again
    assertThat(ftps.controlSecurity().keyExchangeGroup()).isEqualTo("secp256r1");
    assertThat(data.keyExchangeGroup()).isEqualTo(protocol.equals("TLSv1.2") ? "none (resumed)" : "secp256r1");
  }

  @Test
  void explicitTls13TransfersResumeTheControlSession() throws Exception {
    transfersResume(explicit13, false, "TLSv1.3");
  }

  @Test
  void explicitTls12TransfersResumeTheControlSession() throws Exception {
    transfersResume(explicit12, false, "TLSv1.2");
  }

  @Test
  void implicitTls13TransfersResumeTheControlSession() throws Exception {
    transfersResume(implicit13, true, "TLSv1.3");
  }

  @Test
  void implicitTls12TransfersResumeTheControlSession() throws Exception {
    transfersResume(implicit12, true, "TLSv1.2");
  }

  @Test
  void activeModeDataConnectionsResumeToo() throws Exception {
    explicit13.put("active.txt", "over PORT".getBytes());
    PolicyFTPSClient ftps = new PolicyFTPSClient(explicit13.policy());
    try {
      login(ftps, explicit13);
      ftps.enterLocalActiveMode();
      for (int i = 0; i < 2; i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ftps.retrieveFile("active.txt", out)).as(ftps.getReplyString()).isTrue();
        assertThat(out.toString()).isEqualTo("over PORT");
        assertResumed(ftps, "TLSv1.3");
      }
    } finally {
      ftps.disconnect();
    }
  }

  @Test
  void plainCommonsNetFtpsClientGets522WhereThePolicyClientTransfers() throws Exception {
    explicit13.put("plain.txt", "x".getBytes());
    FTPSClient ftps = new FTPSClient(false, explicit13.policy().sslContext());
    try {
      login(ftps, explicit13);
      assertThat(ftps.retrieveFile("plain.txt", new ByteArrayOutputStream())).isFalse();
      assertThat(ftps.getReplyString()).contains("522").contains("session reuse required");
    } finally {
      ftps.disconnect();
    }
  }

  @Test
  void aDataConnectionThatDidNotResumeIsReportedAndRefusedWhenReuseIsRequired() throws Exception {
    // a vsftpd requiring reuse but issuing no TLS 1.3 tickets: no data connection can resume
    try (Vsftpd noTickets = Vsftpd.startWithoutTickets(Files.createDirectory(tmp.resolve("nt")))) {
      noTickets.put("n.txt", "n".getBytes());
      PolicyFTPSClient ftps = new PolicyFTPSClient(noTickets.policy());
      try {
        login(ftps, noTickets);
        assertThat(ftps.retrieveFile("n.txt", new ByteArrayOutputStream())).isFalse();
        assertThat(ftps.getReplyString()).contains("522");
        assertThat(ftps.lastDataSecurity().resumed()).isFalse();
      } finally {
        ftps.disconnect();
      }
      PolicyFTPSClient strict = new PolicyFTPSClient(noTickets.policy());
      strict.setRequireSessionReuse(true);
      try {
        login(strict, noTickets);
        assertThatThrownBy(() -> strict.retrieveFile("n.txt", new ByteArrayOutputStream()))
            .isInstanceOfSatisfying(TlsSecurityException.class,
                e -> assertThat(e.getMessage()).contains("did not resume").contains("RETR"));
      } finally {
        strict.disconnect();
      }
    }
  }

  @Test
  void untrustedCertificateFailsConnectWithTheReportBeforeLogin() throws Exception {
    PolicyFTPSClient ftps = new PolicyFTPSClient(TlsPolicy.MODERN); // the JDK's roots: the self-signed cert is not
    assertThatThrownBy(() -> ftps.connect("localhost", explicit13.port))
        .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
          assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.CERTIFICATE_REJECTED);
          ValidationReport r = ValidationReport.of(e).orElseThrow();
          assertThat(r.problems()).anyMatch(p -> p instanceof CertificateProblem.UntrustedIssuer);
        });
    assertThat(ftps.isConnected()).isFalse();
  }

  @Test
  void wrongNameFailsConnectWithTheReportForImplicitAndTls12() throws Exception {
    for (Vsftpd v : new Vsftpd[] {implicit13, explicit12}) {
      PolicyFTPSClient ftps = new PolicyFTPSClient(v.policy(), v == implicit13);
      ftps.setPeerName("ftp.example.org");
      assertThatThrownBy(() -> ftps.connect("127.0.0.1", v.port))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
            ValidationReport r = ValidationReport.of(e).orElseThrow();
            assertThat(r.expectedName()).isEqualTo("ftp.example.org");
            assertThat(r.problems()).anyMatch(p -> p instanceof CertificateProblem.NameMismatch);
          });
    }
  }

  @Test
  void settingsThePolicyOwnsAreRefusedRatherThanIgnored() {
    PolicyFTPSClient ftps = new PolicyFTPSClient(TlsPolicy.MODERN);
    assertThatThrownBy(() -> ftps.setTrustManager(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("setTrustManager");
    assertThatThrownBy(() -> ftps.setEnabledProtocols(new String[] {"TLSv1"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setEnabledProtocols");
    assertThatThrownBy(() -> ftps.setHostnameVerifier((h, s) -> true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setHostnameVerifier");
    assertThatThrownBy(ftps::execCCC).isInstanceOf(UnsupportedOperationException.class);
  }
}
