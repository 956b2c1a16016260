package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ClientCertificateRefusalTest.OpensslServer;
import dev.tlskit.certs.KeyType;
import dev.tlskit.certs.Pem;
import dev.tlskit.internal.tls.Algorithms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LEGACY_COMPATIBLE reaches forward-secret CBC servers; TLS 1.0/1.1 and RSA key exchange only through dangerous(),
 * against real openssl s_servers on loopback. Those doors need JSSE's JVM-wide {@code jdk.tls.disabledAlgorithms}
 * lifted before the JVM's first TLS connection, so their successful connections run in a child JVM ({@link Child}).
 */
class LegacyDoorsTest {
  @TempDir static Path dir;
  static ServerTestPki pki;
  static ServerTestPki.Issued ec;
  static ServerTestPki.Issued rsa;

  @BeforeAll
  static void pki() throws Exception {
    pki = ServerTestPki.create(dir, "Legacy Test CA");
    ec = pki.server("localhost");
    rsa = pki.server(KeyType.RSA_2048, "localhost");
    Pem.writeCertificates(dir.resolve("ca.pem"), List.of(pki.caCertificate()));
  }

  static TlsPolicy.Builder trusting(TlsPolicy base) {
    return base.toBuilder().trust(Trust.anchors(pki.caCertificate()));
  }

  static TlsConnection connect(TlsPolicy policy, int port) throws IOException {
    return TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build()
        .connectTls("127.0.0.1", port, "localhost");
  }

  static void assertHandshakeFails(TlsPolicy policy, int port) {
    assertThatThrownBy(() -> connect(policy, port)).isInstanceOfSatisfying(TlsSecurityException.class,
        e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED));
  }

  @Test
  void legacyReachesACbcOnlyTls12ServerAndReportsTheCbcWeakeningWhereModernRefuses() throws Exception {
    try (OpensslServer s = OpensslServer.start(dir, ec, "-tls1_2",
        "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256");
        LogCapture dangerous = LogCapture.of("dev.tlskit.dangerous")) {
      assertHandshakeFails(trusting(TlsPolicy.MODERN).build(), s.port);
      try (TlsConnection c = connect(trusting(TlsPolicy.LEGACY_COMPATIBLE).build(), s.port)) {
        SecurityInfo info = c.securityInfo();
        assertThat(info.protocol()).isEqualTo("TLSv1.2");
        assertThat(info.weakenings()).containsExactly(
            new Weakening.CbcCipher("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"));
        assertThat(info.toString()).contains("Weakened:      TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 negotiated: CBC");
        assertThat(info.toJson()).contains("\"weakenings\":[{\"kind\":\"cbc-cipher\","
            + "\"cipherSuite\":\"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256\",\"door\":null");
      }
      assertThat(dangerous.messages()).as("a preset is no dangerous door").isEmpty();
    }
  }

  @Test
  void aModernConnectionHasNoWeakenings() throws Exception {
    try (OpensslServer s = OpensslServer.start(dir, ec);
        TlsConnection c = connect(trusting(TlsPolicy.MODERN).build(), s.port)) {
      assertThat(c.securityInfo().weakenings()).isEmpty();
      assertThat(c.securityInfo().toJson()).contains("\"weakenings\":[]");
    }
  }

  @Test
  void noPresetOffersTls10RsaKeyExchangeOr3des() {
    for (TlsPolicy p : List.of(TlsPolicy.MODERN, TlsPolicy.STRICT, TlsPolicy.LEGACY_COMPATIBLE)) {
      assertThat(p.protocols()).doesNotContain("TLSv1.1", "TLSv1");
      assertThat(p.cipherSuites()).noneMatch(Algorithms::isRsaKeyExchange).noneMatch(Algorithms::is3des)
          .allMatch(x -> Algorithms.isTls13(x) || x.startsWith("TLS_ECDHE_") || x.startsWith("TLS_DHE_"));
      assertThat(p.dangerousDoors()).isEmpty();
    }
    assertThat(TlsPolicy.LEGACY_COMPATIBLE.cipherSuites()).contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
  }

  @Test
  void theDoorsAreRefusedWithoutDangerousNamingTheDoor() {
    assertThatThrownBy(() -> TlsPolicy.LEGACY_COMPATIBLE.toBuilder().minimumProtocol("1.0").build())
        .hasMessageContaining("TLSv1").hasMessageContaining("dangerous().allowTls10And11()");
    assertThatThrownBy(() -> TlsPolicy.LEGACY_COMPATIBLE.toBuilder()
        .cipherSuites(List.of("TLS_RSA_WITH_AES_128_GCM_SHA256")).build())
        .hasMessageContaining("TLS_RSA_WITH_AES_128_GCM_SHA256").hasMessageContaining("allowRsaKeyExchange()");
    assertThatThrownBy(() -> TlsPolicy.LEGACY_COMPATIBLE.toBuilder()
        .cipherSuites(List.of("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA")).build())
        .hasMessageContaining("3DES").hasMessageContaining("allow3des()");
    TlsPolicy opened = TlsPolicy.builder().dangerous().allowTls10And11().dangerous().allowRsaKeyExchange()
        .dangerous().allow3des().build();
    assertThat(opened.protocols()).containsExactly("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
    assertThat(opened.cipherSuites()).contains("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        "SSL_RSA_WITH_3DES_EDE_CBC_SHA");
    assertThat(opened.toString()).contains("DANGEROUS");
  }

  @Test
  void aTls10ServerIsRefusedByLegacyAndTheDoorNamesTheJvmPropertyInTheWay() throws Exception {
    try (OpensslServer s = OpensslServer.start(dir, ec, "-tls1",
        "-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")) {
      assertHandshakeFails(trusting(TlsPolicy.LEGACY_COMPATIBLE).build(), s.port);
      TlsPolicy door = trusting(TlsPolicy.LEGACY_COMPATIBLE).dangerous().allowTls10And11().build();
      assertThat(Algorithms.disabledInJvm(List.of("TLSv1"))).as("this JVM keeps the JDK's default").isNotEmpty();
      assertThatThrownBy(() -> connect(door, s.port)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("jdk.tls.disabledAlgorithms").hasMessageContaining("TLSv1")
          .hasMessageContaining("bctls").hasMessageContaining("TLS_10_AND_11");
    }
  }

  @Test
  void theTls10DoorConnectsInAJvmThatLiftedTheJdkDefaultAndReportsAndLogsIt() throws Exception {
    try (OpensslServer s = OpensslServer.start(dir, ec, "-tls1",
        "-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")) {
      Result r = child(s.port, "tls10");
      assertThat(r.code).as(r.err).isZero();
      assertThat(r.out).contains("\"protocol\":\"TLSv1\"")
          .contains("{\"kind\":\"old-protocol\",\"protocol\":\"TLSv1\",\"door\":\"TLS_10_AND_11\"")
          .contains("{\"kind\":\"cbc-cipher\",\"cipherSuite\":\"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA\"");
      assertThat(r.err).contains("DANGEROUS: connection with localhost through dangerous() door TLS_10_AND_11");
    }
  }

  @Test
  void anRsaKeyExchangeOnlyServerIsReachableOnlyThroughTheDangerousDoor() throws Exception {
    try (OpensslServer s = OpensslServer.start(dir, rsa, "-tls1_2", "-cipher", "AES128-GCM-SHA256")) {
      assertHandshakeFails(trusting(TlsPolicy.MODERN).build(), s.port);
      assertHandshakeFails(trusting(TlsPolicy.LEGACY_COMPATIBLE).build(), s.port);
      Result r = child(s.port, "rsa");
      assertThat(r.code).as(r.err).isZero();
      assertThat(r.out).contains("\"cipherSuite\":\"TLS_RSA_WITH_AES_128_GCM_SHA256\"")
          .contains("{\"kind\":\"no-forward-secrecy\",\"cipherSuite\":\"TLS_RSA_WITH_AES_128_GCM_SHA256\","
              + "\"door\":\"RSA_KEY_EXCHANGE\"");
      assertThat(r.err).contains("through dangerous() door RSA_KEY_EXCHANGE");
    }
  }

  record Result(int code, String out, String err) {}

  /** Runs {@link Child} in a fresh JVM with this test's class path. */
  static Result child(int port, String door) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Child.class.getName(), String.valueOf(port), dir.resolve("ca.pem").toString(), door));
    Path out = dir.resolve("child-" + port + ".out");
    Path err = dir.resolve("child-" + port + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish: " + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /**
   * Connects through a dangerous() door in a JVM that first lifts the JDK's JVM-wide disabling of what the door
   * needs (as the CLI does), and prints the security info as JSON.
   */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      TlsPolicy.Builder b = TlsPolicy.LEGACY_COMPATIBLE.toBuilder()
          .trust(Trust.anchors(Pem.readCertificates(Path.of(args[1]))));
      TlsPolicy policy = (args[2].equals("tls10") ? b.dangerous().allowTls10And11() : b.dangerous()
          .allowRsaKeyExchange()).build();
      Algorithms.enableInJvm(Algorithms.union(policy.protocols(), policy.cipherSuites()));
      try (TlsConnection c = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build()
          .connectTls("127.0.0.1", Integer.parseInt(args[0]), "localhost")) {
        System.out.println(c.securityInfo().toJson());
      }
    }
  }
}
