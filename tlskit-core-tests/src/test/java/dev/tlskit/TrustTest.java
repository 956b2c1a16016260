package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trust anchors from each file format, and IPv6 literals end to end. */
class TrustTest {
  static final TestPki.Held ROOT = CertificateValidationTest.ROOT;

  @TempDir Path dir;

  static boolean trusts(Trust trust) throws Exception {
    TlsPolicy policy = TlsPolicy.builder().trust(trust).build();
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(ConnectionTest.LEAF.certifiedKey());
        TlsConnection c = TlsClient.builder().policy(policy).build()
            .connectTls("127.0.0.1", server.port(), "localhost")) {
      return c.securityInfo().validation().trusted();
    }
  }

  @Test
  void anchorsComeFromPemTextPemFilesAndKeyStores() throws Exception {
    String pem = dev.tlskit.certs.Pem.encodeCertificates(java.util.List.of(ROOT.cert()));
    assertThat(trusts(Trust.fromPem(pem))).isTrue();
    Path pemFile = Files.writeString(dir.resolve("ca.pem"), pem);
    assertThat(trusts(Trust.fromFile(pemFile, null))).isTrue();
    for (String type : new String[] {"PKCS12", "JKS"}) {
      KeyStore ks = KeyStore.getInstance(type);
      ks.load(null, null);
      ks.setCertificateEntry("root", ROOT.cert());
      Path p = dir.resolve("trust." + type.toLowerCase());
      try (OutputStream out = Files.newOutputStream(p)) {
        ks.store(out, "changeit".toCharArray());
      }
      assertThat(trusts(Trust.fromFile(p, "changeit".toCharArray()))).as(type).isTrue();
    }
  }

  @Test
  void unusableTrustFilesAreRefusedClearly() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN NOTHING-----\nAAAA\n-----END NOTHING-----\n");
    assertThatThrownBy(() -> Trust.fromFile(garbage, null)).hasMessageContaining("no certificate found");
    Path junk = Files.write(dir.resolve("junk.bin"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Trust.fromFile(junk, null)).isInstanceOf(IOException.class)
        .hasMessageContaining("junk.bin");
    assertThatThrownBy(() -> Trust.anchors(java.util.List.of())).hasMessageContaining("empty");
  }

  @Test
  void ipv6LiteralConnectsWithoutSniAndMatchesTheIpSan() throws Exception {
    boolean v6;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      v6 = true;
    } catch (IOException e) {
      v6 = false;
    }
    assumeTrue(v6, "no IPv6 loopback on this machine");
    TestPki.Held leaf = TestPki.leaf(CertificateValidationTest.INTERMEDIATE, "::1");
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(leaf.certifiedKey()).bind("::1").build();
        TlsConnection c = TlsClient.builder().policy(CertificateValidationTest.TRUST_ROOT).build()
            .connectTls("::1", server.port())) {
      assertThat(c.securityInfo().validation().trusted()).isTrue();
      assertThat(c.securityInfo().sniSent()).isFalse();
      assertThat(c.remoteAddress().getAddress().getHostAddress()).contains(":");
    }
  }
}
