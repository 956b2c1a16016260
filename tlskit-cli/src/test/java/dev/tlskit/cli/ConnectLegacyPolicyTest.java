package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --policy} and {@code --tls-min} against real legacy openssl s_servers: a CBC-only TLS 1.2 server and a
 * TLS 1.0 one. A TLS 1.0 connection needs the JDK's JVM-wide {@code jdk.tls.disabledAlgorithms} lifted before the
 * JVM's first TLS connection, which the CLI does for its own run: that success runs the CLI in a child JVM.
 */
class ConnectLegacyPolicyTest {
  @TempDir static Path dir;
  static HeldCertificate leaf;
  static Path rootPem;

  @BeforeAll
  static void pki() throws Exception {
    HeldCertificate root = HeldCertificate.root("Legacy CLI Root");
    leaf = HeldCertificate.leaf(root, "localhost");
    rootPem = dir.resolve("root.pem");
    Pem.writeCertificates(rootPem, List.of(root.certificate()));
  }

  static OpensslPeer server(String name, String... extra) throws Exception {
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + ".key");
    Pem.writeCertificates(cert, List.of(leaf.certificate()));
    Pem.writePrivateKey(key, leaf.privateKey(), null);
    return OpensslPeer.start(dir, cert, key, null, extra);
  }

  @Test
  void aCbcOnlyServerIsRefusedByDefaultAndReachedWithPolicyLegacyWithAWarningAndAJsonEntry() throws Exception {
    try (OpensslPeer s = server("cbc", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256")) {
      String target = "localhost:" + s.port;
      MainTest.Result modern = ConnectCommandTest.connect(target, "--trust", rootPem.toString(), "--no-relay");
      assertThat(modern.code()).as(modern.out() + modern.err()).isEqualTo(3);
      assertThat(modern.out()).contains("--policy legacy");
      MainTest.Result legacy = ConnectCommandTest.connect(target, "--trust", rootPem.toString(), "--no-relay",
          "--policy", "legacy");
      assertThat(legacy.code()).as(legacy.out() + legacy.err()).isZero();
      assertThat(legacy.out()).contains("Cipher suite:  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256")
          .contains("Weakened:      TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 negotiated: CBC");
      assertThat(legacy.err()).contains("tlskit: warning: weaker than the modern policy:"
          + " TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 negotiated: CBC");
      MainTest.Result json = ConnectCommandTest.connect(target, "--trust", rootPem.toString(), "--no-relay",
          "--policy", "legacy", "--json");
      assertThat(json.code()).isZero();
      assertThat(json.out()).contains("\"weakenings\":[{\"kind\":\"cbc-cipher\","
          + "\"cipherSuite\":\"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256\",\"door\":null");
      assertThat(json.err()).contains("tlskit: warning: weaker than the modern policy");
    }
  }

  @Test
  void tlsMinBelow12WithoutPolicyLegacyIsAUsageErrorOnEveryNetworkCommand() {
    for (String[] args : List.of(new String[] {"connect", "127.0.0.1:9", "--tls-min", "1.0"},
        new String[] {"connect", "127.0.0.1:9", "--tls-min", "1.1", "--policy", "modern"},
        new String[] {"smtp", "send", "--server", "127.0.0.1:9", "--from", "a@example.org", "--to",
            "b@example.org", "--subject", "s", "--body", "b", "--tls-min", "1.0"},
        new String[] {"ftp", "ls", "--server", "127.0.0.1:9", "--user", "u", "--password-env", "TLSKIT_TEST_PASSWORD",
            "--tls-min", "1.1", "--policy", "strict"},
        new String[] {"probe", "127.0.0.1:9", "--tls-min", "1.0"})) {
      MainTest.Result r = MainTest.run(args);
      assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
      assertThat(r.err()).contains("needs --policy legacy");
    }
    MainTest.Result bad = MainTest.run("connect", "127.0.0.1:9", "--policy", "ancient");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--policy must be modern, strict or legacy: ancient");
  }

  @Test
  void aTls10ServerIsRefusedByPolicyLegacyAndReachedWithTlsMin10WithWarningsAndTheJsonEntry() throws Exception {
    try (OpensslPeer s = server("tls10", "-tls1", "-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")) {
      String target = "localhost:" + s.port;
      MainTest.Result legacy = ConnectCommandTest.connect(target, "--trust", rootPem.toString(), "--no-relay",
          "--policy", "legacy");
      assertThat(legacy.code()).as(legacy.out() + legacy.err()).isEqualTo(3);
      Child r = child("connect", target, "--trust", rootPem.toString(), "--no-relay", "--policy", "legacy",
          "--tls-min", "1.0", "--json", "--timeout=10");
      assertThat(r.code).as(r.out + r.err).isZero();
      assertThat(r.out).contains("\"protocol\":\"TLSv1\"")
          .contains("{\"kind\":\"old-protocol\",\"protocol\":\"TLSv1\",\"door\":\"TLS_10_AND_11\"");
      assertThat(r.err).contains("tlskit: warning: --tls-min 1.0 allows TLS 1.0 and 1.1: deprecated protocols")
          .contains("tlskit: warning: weaker than the modern policy: TLSv1 negotiated");
    }
  }

  record Child(int code, String out, String err) {}

  /** Runs the CLI in a fresh JVM with this test's class path. */
  static Child child(String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "cli", ".out");
    Path err = Files.createTempFile(dir, "cli", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("tlskit did not finish: " + Files.readString(err));
    }
    return new Child(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
