package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --provider jdk|native}: the same commands on BoringSSL, and a usage error for anything else. */
class ProviderOptionTest {
  @TempDir static Path dir;

  @BeforeAll
  static void files() throws Exception {
    ServeTestFiles.create(dir);
  }

  static String f(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void connectAndServeRunOnTheNativeEngineWithTheSameReport() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"), "--provider",
        "native")) {
      for (String provider : new String[] {"native", "jdk"}) {
        MainTest.Result r = MainTest.run("connect", "localhost:" + serve.port, "--trust", f("ca.pem"), "--json",
            "--no-relay", "--provider", provider);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("\"protocol\":\"TLSv1.3\"", "\"trusted\":true", "\"peerName\":\"localhost\"");
      }
      serve.await("closed TLSv1\\.3 TLS_AES_\\S+ sni=localhost");
    }
  }

  @Test
  void nativeClientRefusesAnUntrustedServerWithTheSecurityExitCode() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"))) {
      MainTest.Result r = MainTest.run("connect", "localhost:" + serve.port, "--json", "--no-relay", "--provider",
          "native"); // the system trust store does not know the test CA
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.SECURITY);
      assertThat(r.out()).contains("\"reason\":\"CERTIFICATE_REJECTED\"");
    }
  }

  @Test
  void unknownProviderIsAUsageError() {
    MainTest.Result r = MainTest.run("connect", "localhost:1", "--provider", "boringssl");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--provider must be jdk or native: boringssl");
    MainTest.Result s = MainTest.run("serve", "--port", "0", "--self-signed", "--provider", "nss");
    assertThat(s.code()).isEqualTo(ExitCodes.USAGE);
    MainTest.Result p = MainTest.run("probe", "localhost:1", "--provider", "native");
    assertThat(p.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(p.err()).contains("tlskit probe writes its own ClientHellos");
  }
}
