package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import dev.tlskit.certs.TicketKeyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit cert ticket-keys} and {@code tlskit serve --session-ticket-keys}, in-process through Main. */
class TicketKeysCommandsTest {
  @TempDir Path dir;

  @Test
  void ticketKeysMakesAnOwnerOnlyFileAndRotatesItKeepingTheNewest() throws Exception {
    Path file = dir.resolve("ticket.keys");
    MainTest.Result made = MainTest.run("cert", "ticket-keys", "--out", file.toString());
    assertThat(made.code()).as(made.err()).isZero();
    assertThat(made.out()).contains("Created").contains("1 key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    List<String> first = names(file);

    MainTest.Result again = MainTest.run("cert", "ticket-keys", "--out", file.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("exists").contains("--rotate");
    assertThat(names(file)).isEqualTo(first);

    for (int i = 0; i < 3; i++) {
      MainTest.Result r = MainTest.run("cert", "ticket-keys", "--out", file.toString(), "--rotate", "--keep", "2");
      assertThat(r.code()).as(r.err()).isZero();
    }
    List<String> now = names(file);
    assertThat(now).hasSize(2).doesNotContainAnyElementsOf(first);
    assertThat(MainTest.run("cert", "ticket-keys", "--out", dir.resolve("none").toString(), "--rotate").code())
        .isEqualTo(2);
  }

  @Test
  void rotateRefusesAFileOtherUsersCanRead() throws Exception {
    Path file = dir.resolve("ticket.keys");
    assertThat(MainTest.run("cert", "ticket-keys", "--out", file.toString()).code()).isZero();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    MainTest.Result r = MainTest.run("cert", "ticket-keys", "--out", file.toString(), "--rotate");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("chmod 600");
  }

  @Test
  void serveWithTicketKeysOnTheJdkEngineIsAUsageErrorNamingIt() throws Exception {
    List<String> files = certKeyAndTicketKeys();
    MainTest.Result r = MainTest.run("serve", "--port", "0", "--cert", files.get(0), "--key", files.get(1),
        "--session-ticket-keys", files.get(2));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--session-ticket-keys needs --provider native").contains("SunJSSE");
  }

  @Test
  void twoServeInstancesSharingTheKeyFileResumeEachOthersSessions() throws Exception {
    resumesAcrossTwoInstances(List.of(), List.of());
  }

  @Test
  void withAlpnTooTheKeysReachTheContextTheConnectionsUse() throws Exception {
    // the native engine keeps one BoringSSL server context per ALPN list: the keys must reach the ALPN one
    resumesAcrossTwoInstances(List.of("--alpn", "h2,http/1.1"), List.of("-alpn", "http/1.1"));
  }

  private void resumesAcrossTwoInstances(List<String> serveOptions, List<String> clientOptions) throws Exception {
    PeerProcess.require("openssl");
    List<String> files = certKeyAndTicketKeys();
    List<String> args = new ArrayList<>(List.of("--cert", files.get(0), "--key", files.get(1), "--provider", "native",
        "--session-ticket-keys", files.get(2)));
    args.addAll(serveOptions);
    try (ServeRunner a = new ServeRunner(args.toArray(String[]::new));
        ServeRunner b = new ServeRunner(args.toArray(String[]::new))) {
      Path session = dir.resolve("session.pem");
      // TLS 1.2: the ticket comes within the handshake, so s_client has it before it hangs up
      String first = sClient(a.port, clientOptions, "-sess_out", session.toString());
      String second = sClient(b.port, clientOptions, "-sess_in", session.toString());
      assertThat(first).contains("New, TLSv1.2");
      assertThat(second).as("the other instance resumes the session").contains("Reused, TLSv1.2");
    }
  }

  /** Writes a server certificate, its key and a ticket key file (made by the CLI); returns their paths in that order. */
  private List<String> certKeyAndTicketKeys() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(HeldCertificate.root("Serve Keys CA"), "localhost");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Pem.writeCertificates(cert, leaf.chain());
    Pem.writePrivateKey(key, leaf.privateKey(), null);
    Path file = dir.resolve("ticket.keys");
    assertThat(MainTest.run("cert", "ticket-keys", "--out", file.toString()).code()).isZero();
    return List.of(cert.toString(), key.toString(), file.toString());
  }

  private String sClient(int port, List<String> options, String... session) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-tls1_2", "-connect", "127.0.0.1:" + port,
        "-servername", "localhost"));
    cmd.addAll(options);
    cmd.addAll(List.of(session));
    return PeerProcess.run(Duration.ofSeconds(20), dir, cmd.toArray(String[]::new)).output();
  }

  private static List<String> names(Path file) throws Exception {
    return TicketKeyFile.read(file).stream().map(k -> HexFormat.of().formatHex(k.name())).toList();
  }
}
