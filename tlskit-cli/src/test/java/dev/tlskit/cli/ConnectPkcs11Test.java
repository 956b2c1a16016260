package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.PeerIdentity;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import dev.tlskit.testing.SoftHsm;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlskit connect --cert pkcs11:CONFIG_FILE --cert-password-env VAR}: mutual TLS with a key generated inside a
 * SoftHSM2 token, to a server that needs a client certificate; a wrong PIN is a usage error (exit 2).
 */
class ConnectPkcs11Test {
  static final String PIN_VAR = "TLSKIT_TEST_PIN"; // set by the pom
  static final String WRONG_PIN_VAR = "TLSKIT_TEST_PASSWORD"; // any other variable: not the token's PIN

  @TempDir static Path dir;
  static TlsServer server;
  static Path caPem;
  static Path config;
  static Path unopenedConfig;
  static final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    String pin = System.getenv(PIN_VAR);
    SoftHsm.Token token = SoftHsm.newToken(pin);
    SoftHsm.Token unopened = SoftHsm.newToken(pin); // never logged in: PKCS#11 logins last for the process
    for (SoftHsm.Token t : List.of(token, unopened)) {
      HeldCertificate cert = HeldCertificate.builder().commonName("hsm-user")
          .keyPair(new KeyPair(t.generateKeyPair("01", "EC:prime256v1"), null)).signedBy(LoopbackServers.CA).build();
      t.writeCertificate("01", "hsm-user", cert.certificate());
    }
    config = token.sunPkcs11Config(dir);
    unopenedConfig = unopened.sunPkcs11Config(dir);
    caPem = dir.resolve("ca.pem");
    Pem.writeCertificates(caPem, List.of(LoopbackServers.CA.certificate()));
    server = TlsServer.builder(c -> {
      seen.add(c.peerIdentity().map(PeerIdentity::subject).orElse("none"));
      c.writeLine("hello");
    }, LoopbackServers.serverCertificates()).clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(LoopbackServers.CA.certificate())).start();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.shutdown(Duration.ofSeconds(1));
  }

  static MainTest.Result connect(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("connect", "localhost:" + server.port(), "--trust",
        caPem.toString(), "--timeout=10", "--no-relay"));
    args.addAll(List.of(extra));
    return MainTest.run(args.toArray(String[]::new));
  }

  @Test
  void connectPresentsTheTokensKey() {
    MainTest.Result r = connect("--cert", "pkcs11:" + config, "--cert-password-env", PIN_VAR);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("Our cert:      CN=hsm-user");
    MainTest.Result alias = connect("--cert", "pkcs11:" + config, "--cert-alias", "hsm-user",
        "--cert-password-env", PIN_VAR, "--json");
    assertThat(alias.code()).as(alias.out() + alias.err()).isZero();
    assertThat(seen).contains("CN=hsm-user");
  }

  @Test
  void aWrongPinIsAUsageError() {
    MainTest.Result r = connect("--cert", "pkcs11:" + unopenedConfig, "--cert-password-env", WRONG_PIN_VAR);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.out() + r.err()).contains(unopenedConfig.toString()).contains("refused the PIN")
        .contains("WRONG_PIN");
  }

  @Test
  void misusedPkcs11OptionsAreUsageErrors() {
    assertThat(connect("--cert", "pkcs11:" + config).err()).contains("needs the token's PIN");
    assertThat(connect("--cert", "pkcs11:token=x;object=y", "--cert-password-env", PIN_VAR).err())
        .contains("RFC 7512");
    MainTest.Result alias = connect("--cert", caPem.toString(), "--cert-alias", "x");
    assertThat(alias.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(alias.err()).contains("--cert-alias needs --cert pkcs11:");
    assertThat(connect("--cert", "pkcs11:" + config, "--cert-alias", "nobody", "--cert-password-env", PIN_VAR)
        .code()).isEqualTo(ExitCodes.USAGE);
  }
}
