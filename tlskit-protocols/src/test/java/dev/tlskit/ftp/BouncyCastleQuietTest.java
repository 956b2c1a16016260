package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyType;
import dev.tlskit.ftp.testing.Vsftpd;
import dev.tlskit.internal.bc.BcJsse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BouncyCastle's JSSE, as TlsKit sets it up, logs no warning in library use: not the once-per-JVM complaints about
 * jdk.tls.disabledAlgorithms entries, not the per-context "disabled SignatureScheme" for RSA-PSS (which it now has),
 * not a line per connection.
 */
class BouncyCastleQuietTest {
  @TempDir Path tmp;

  /** Records what any {@code org.bouncycastle} logger publishes at INFO or above. */
  static final class Capture extends Handler implements AutoCloseable {
    final Logger root = Logger.getLogger("org.bouncycastle"); // held: java.util.logging keeps loggers weakly
    final List<String> records = new CopyOnWriteArrayList<>();

    Capture() {
      setLevel(Level.INFO);
      root.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
      if (isLoggable(r)) records.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      root.removeHandler(this);
    }
  }

  @Test
  void ftpsOnTls12LogsNothingFromBouncyCastle() throws Exception {
    try (Vsftpd v = Vsftpd.start(Files.createDirectory(tmp.resolve("v12")), false, "TLSv1.2");
        Capture capture = new Capture()) {
      v.put("a.txt", "quiet\n".getBytes(StandardCharsets.US_ASCII));
      FtpClient c = FtpClient.builder().client(TlsClient.builder().policy(v.policy()).build()).build();
      try (FtpSession s = c.connect("127.0.0.1", v.port, "localhost")) {
        s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
        for (int i = 0; i < 3; i++) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          TransferResult r = s.retrieve("a.txt", out, 0, TransferListener.NONE);
          assertThat(r.protection().mechanism()).contains("BouncyCastle");
        }
        assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.2");
      }
      assertThat(capture.records).isEmpty();
    }
  }

  /**
   * FTPS with a post-quantum policy runs on BouncyCastle's JSSE: on TLS 1.2 data connections resume the control
   * session as before; on TLS 1.3 BouncyCastle's client cannot resume, and a server that requires reuse (vsftpd)
   * refuses the transfer with the typed error that says so, never a transfer on an unproven data connection.
   */
  @Test
  void ftpsWithAPostQuantumPolicyResumesOnTls12AndSaysWhyNotOnTls13() throws Exception {
    for (String max : new String[] {"TLSv1.2", null}) {
      try (Vsftpd v = Vsftpd.start(Files.createDirectory(tmp.resolve("pq" + (max == null ? "13" : "12"))), false, max)) {
        v.put("pq.txt", "post-quantum policy\n".getBytes(StandardCharsets.US_ASCII));
        // vsftpd's OpenSSL 3.0 has no hybrid group: the offer falls back to a classical one
        FtpClient c = FtpClient.builder().client(TlsClient.builder()
            .policy(dev.tlskit.bc.PostQuantum.offer(v.policy())).build()).build();
        try (FtpSession s = c.connect("127.0.0.1", v.port, "localhost")) {
          s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          if (max != null) {
            for (int i = 0; i < 2; i++) {
              out.reset();
              TransferResult r = s.retrieve("pq.txt", out, 0, TransferListener.NONE);
              assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("post-quantum policy\n");
              assertThat(r.protection().sessionResumed()).isTrue();
            }
          } else {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> s.retrieve("pq.txt", out, 0, TransferListener.NONE))
                .isInstanceOf(SessionReuseRequiredException.class).hasMessageContaining("TLSv1.3, BouncyCastle");
          }
        }
      }
    }
  }

  /**
   * DataTlsProvider.BOUNCY_CASTLE puts BouncyCastle's provider into the session's policy: a policy from
   * PostQuantum.require already has it, and keeps the instance that enforces the hybrid group (vsftpd has none: a
   * typed refusal, never a classical connection, which it was before).
   */
  @Test
  void bouncyCastleForDataKeepsTheRequirementOfAPostQuantumPolicy() throws Exception {
    try (Vsftpd v = Vsftpd.start(Files.createDirectory(tmp.resolve("pqreq")), false, null)) {
      FtpClient c = FtpClient.builder().client(TlsClient.builder()
              .policy(dev.tlskit.bc.PostQuantum.require(v.policy())).build())
          .dataTlsProvider(DataTlsProvider.BOUNCY_CASTLE).build();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.connect("127.0.0.1", v.port, "localhost"))
          .isInstanceOf(dev.tlskit.TlsSecurityException.class)
          .hasMessageContaining("post-quantum key exchange required");
    }
  }

  @Test
  void aFreshJvmLogsNoWarningWhileBouncyCastleStartsAndRsaPssWorks() throws Exception {
    // The once-per-JVM warnings come when bctls first reads the JVM's disabled algorithms: only a JVM of its own
    // shows whether they are gone, whatever this one's other tests did first.
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Tls12Handshake.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("HANDSHAKES OK rsa_pss").doesNotContain("WARNING").doesNotContain("INFO");
    assertThat(p.exitValue()).as(out).isZero();
  }

  /**
   * A TLS 1.2 and a TLS 1.3 connection between a TlsServer and a TlsClient, both on BouncyCastle's JSSE, with an
   * RSA certificate and only RSA-PSS signature schemes (so the handshakes succeed only if RSA-PSS is enabled); prints
   * every record the {@code org.bouncycastle} loggers publish.
   */
  public static final class Tls12Handshake {
    public static void main(String[] args) throws Exception {
      Capture capture = new Capture();
      HeldCertificate root = HeldCertificate.root("Quiet Root");
      HeldCertificate leaf = HeldCertificate.builder().keyType(KeyType.RSA_2048).signedBy(root)
          .addDnsName("localhost").build();
      TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(root.certificate())).provider(BcJsse.provider())
          .signatureSchemes(List.of("rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384")).build();
      try (TlsServer server = TlsServer.builder(c -> c.writeLine(c.securityInfo().protocol()),
          ServerCertificates.of(leaf.certifiedKey())).listen("127.0.0.1", 0).policy(policy).start()) {
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
          TlsClient client = TlsClient.builder().policy(policy.toBuilder().protocols(version).build()).build();
          try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
            if (!version.equals(c.readLine(100))) throw new AssertionError("negotiated another version");
          }
        }
      }
      capture.records.forEach(System.out::println);
      System.out.println("HANDSHAKES OK rsa_pss");
    }
  }
}
