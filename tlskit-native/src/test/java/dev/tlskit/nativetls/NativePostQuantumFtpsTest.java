package dev.tlskit.nativetls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.Trust;
import dev.tlskit.bc.PostQuantum;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import dev.tlskit.ftp.DataProtection;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.SessionReuseRequiredException;
import dev.tlskit.ftp.TransferListener;
import dev.tlskit.ftp.testing.Vsftpd;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FTPS with a post-quantum policy on the native engine, against servers that require data-channel session reuse:
 * a Node.js 26 FTPS server restricted to X25519MLKEM768 (control and every data connection negotiate it on TLS 1.3,
 * every data connection resumes), and vsftpd (OpenSSL 3.0: no hybrid group; {@code offer} falls back to x25519 and
 * still resumes on TLS 1.3, {@code require} is a typed refusal). On BouncyCastle's JSSE (the route without the native
 * engine) the same transfer on TLS 1.3 is refused by the server: bctls's client does not resume TLS 1.3 sessions.
 */
class NativePostQuantumFtpsTest {
  @TempDir Path tmp;

  static final TlsPolicy NATIVE_BASE = TlsPolicy.MODERN.toBuilder().provider(NativeTls.provider()).build();

  @Test
  void controlAndEveryDataConnectionNegotiateTheHybridGroupAndResume() throws Exception {
    HeldCertificate root = HeldCertificate.root("PQ FTPS Root");
    HeldCertificate leaf = HeldCertificate.leaf(root, "localhost", "127.0.0.1");
    Path cert = tmp.resolve("cert.pem");
    Path key = tmp.resolve("key.pem");
    Pem.writeCertificates(cert, leaf.chain());
    Pem.writePrivateKey(key, leaf.privateKey(), null);
    byte[] file = new byte[1024 * 1024 + 5];
    new Random(3).nextBytes(file);
    Path served = Files.write(tmp.resolve("f.bin"), file);
    TlsPolicy trust = NATIVE_BASE.toBuilder().trust(Trust.anchors(root.certificate())).build();
    try (NodeFtps node = NodeFtps.start(tmp, cert, key, "X25519MLKEM768", served)) {
      for (TlsPolicy policy : List.of(PostQuantum.require(trust), PostQuantum.offer(trust))) {
        TlsClient tls = TlsClient.builder().policy(policy).build();
        try (FtpSession s = FtpClient.builder().client(tls).build().connect("127.0.0.1", node.port, "localhost")) {
          s.login("u", "p".toCharArray());
          assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.3");
          assertThat(s.securityInfo().keyExchangeGroup()).isEqualTo("X25519MLKEM768");
          // Two downloads per session: the control connection brings two tickets (OpenSSL's default). This Node
          // server does not take the tickets it issues on a resumed connection (curl's transfers against it alternate
          // resumed and refused the same way); vsftpd takes them (NativeFtpsTest: five data connections per session).
          for (int i = 0; i < 2; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataProtection p = s.retrieve("f.bin", out, 0, TransferListener.NONE).protection();
            assertThat(out.toByteArray()).isEqualTo(file);
            assertThat(p.protocol()).isEqualTo("TLSv1.3");
            assertThat(p.sessionResumed()).as("download %d resumed", i).isTrue();
            assertThat(p.keyExchangeGroup()).isEqualTo("X25519MLKEM768"); // TLS 1.3 resumption: a new key share
            assertThat(p.mechanism()).startsWith("TlsKitNative");
          }
        }
      }
      // the server's own view: four data connections, each a resumption
      assertThat(node.log().lines().filter(l -> l.startsWith("data"))).hasSize(4)
          .allMatch(l -> l.equals("data TLSv1.3 reused=true"));
    }
  }

  @Test
  void againstVsftpdOfferFallsBackToAClassicalGroupAndResumesOnTls13WhileRequireIsRefused() throws Exception {
    try (Vsftpd v = Vsftpd.start(Files.createDirectory(tmp.resolve("v")), false, null)) {
      byte[] file = "post-quantum or not".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      v.put("f.txt", file);
      TlsPolicy base = v.policy().toBuilder().provider(NativeTls.provider()).build();
      TlsClient offer = TlsClient.builder().policy(PostQuantum.offer(base)).build();
      try (FtpSession s = FtpClient.builder().client(offer).build().connect("127.0.0.1", v.port, "localhost")) {
        s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
        assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.3");
        String group = s.securityInfo().keyExchangeGroup();
        assertThat(group).isIn("x25519", "secp256r1"); // vsftpd's choice among the classical groups offered
        for (int i = 0; i < 2; i++) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          DataProtection p = s.retrieve("f.txt", out, 0, TransferListener.NONE).protection();
          assertThat(out.toByteArray()).isEqualTo(file);
          assertThat(p.sessionResumed()).isTrue(); // vsftpd's require_ssl_reuse let it through
          assertThat(p.keyExchangeGroup()).isEqualTo(group);
        }
      }
      TlsClient require = TlsClient.builder().policy(PostQuantum.require(base)).build();
      assertThatThrownBy(() -> FtpClient.builder().client(require).build().connect("127.0.0.1", v.port, "localhost"))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e).hasMessageContaining("post-quantum key exchange required"));
    }
  }

  @Test
  void withoutTheNativeEngineTheSameTransferOnTls13IsATypedReuseRefusal() throws Exception {
    try (Vsftpd v = Vsftpd.start(Files.createDirectory(tmp.resolve("v")), false, null)) {
      v.put("f.txt", new byte[] {1, 2, 3});
      // BouncyCastle's JSSE: vsftpd has no hybrid group, so offer lands on x25519, TLS 1.3; its client cannot resume
      TlsClient offer = TlsClient.builder().policy(PostQuantum.offer(v.policy())).build();
      try (FtpSession s = FtpClient.builder().client(offer).build().connect("127.0.0.1", v.port, "localhost")) {
        s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
        assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.3");
        assertThatThrownBy(() -> s.retrieve("f.txt", new ByteArrayOutputStream(), 0, TransferListener.NONE))
            .isInstanceOf(SessionReuseRequiredException.class);
      }
    }
  }
}
