package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.testpeer.RealMailServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mail commands' {@code --json} against a real Postfix (submission, SASL through Dovecot) and Dovecot (IMAP,
 * POP3): every document names what TLS negotiated, on success and on failure.
 */
class MailCommandsRealServersTest {
  // Tests cannot set environment variables: the servers take HOME's value as every user's password.
  private static final String PASSWORD_ENV = "HOME";
  @TempDir static Path tmp;
  static RealMailServers servers;

  @BeforeAll
  static void start() throws Exception {
    servers = RealMailServers.start(tmp, true, System.getenv(PASSWORD_ENV));
  }

  @AfterAll
  static void stop() throws Exception {
    if (servers != null) servers.close();
  }

  private static MailCommandsTest.Result run(String command, int port, String tls, String passwordEnv,
      String... extra) {
    List<String> a = new ArrayList<>(List.of(command.split(" ")));
    a.addAll(List.of("--server", "127.0.0.1:" + port, "--tls", tls, "--trust", servers.pki.caPem.toString(),
        "--peer-name", "localhost", "--timeout", "10", "--user", "alice", "--password-env", passwordEnv, "--json"));
    a.addAll(List.of(extra));
    return MailCommandsTest.run(a);
  }

  /** The start every document shares, up to the TLS it negotiated. */
  private static String head(String command, int port, String mode, int exitCode) {
    return "{\"command\":\"" + command + "\",\"server\":\"127.0.0.1\",\"port\":" + port + ",\"tlsMode\":\"" + mode
        + "\",\"exitCode\":" + exitCode + ",\"error\":";
  }

  private static final String TLS = "\"security\":{\"protocol\":\"TLSv1.3\",\"cipherSuite\":\"TLS_";

  @Test
  void smtpSendJsonOverStarttlsAndImplicitTls() {
    MailCommandsTest.Result r = run("smtp send", servers.submission, "starttls", PASSWORD_ENV,
        "--from", "alice@example.test", "--to", "alice@example.test", "nobody@example.test", "--subject", "json",
        "--body", "hi");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1); // nobody@ is refused
    assertThat(r.out()).startsWith(head("smtp send", servers.submission, "STARTTLS", 1) + "null,")
        .contains(TLS).contains("\"keyExchangeGroup\":")
        .contains("\"recipients\":[{\"address\":\"alice@example.test\",\"accepted\":true,\"code\":250,")
        .contains("{\"address\":\"nobody@example.test\",\"accepted\":false,\"code\":550,")
        .contains("\"queued\":\"");
    r = run("smtp send", servers.submissions, "implicit", PASSWORD_ENV, "--from", "alice@example.test",
        "--to", "alice@example.test", "--subject", "json", "--body", "hi");
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    assertThat(r.out()).startsWith(head("smtp send", servers.submissions, "IMPLICIT", 0) + "null,").contains(TLS);
  }

  @Test
  void smtpSendJsonOnARefusedLoginNamesTheErrorAndTheTls() {
    // Wrong passwords go by PLAIN: Dovecot does not raise its per-IP penalty again for the same wrong password,
    // but cannot tell SCRAM retries apart, so SCRAM failures would slow every later login of the class.
    MailCommandsTest.Result r = run("smtp send", servers.submission, "starttls", "PATH", "--auth", "plain", "--from",
        "alice@example.test", "--to", "alice@example.test", "--subject", "json", "--body", "hi");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .startsWith(head("smtp send", servers.submission, "STARTTLS", 1) + "\"AUTH PLAIN refused by server:")
        .contains("\"kind\":\"protocol\"").contains(TLS).doesNotContain("\"recipients\"");
  }

  @Test
  void imapAndPop3JsonNameTheTlsOnSuccessAndFailure() {
    MailCommandsTest.Result r = run("imap list", servers.imap, "starttls", PASSWORD_ENV);
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    assertThat(r.out()).startsWith(head("imap list", servers.imap, "STARTTLS", 0) + "null,").contains(TLS)
        .contains("\"mailbox\":\"INBOX\",\"messages\":[");
    r = run("pop3 list", servers.pop3s, "implicit", PASSWORD_ENV);
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    assertThat(r.out()).startsWith(head("pop3 list", servers.pop3s, "IMPLICIT", 0) + "null,").contains(TLS)
        .contains("\"messages\":[");
    r = run("pop3 list", servers.pop3, "starttls", "PATH", "--auth", "plain"); // see the test above on PLAIN
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out()).startsWith(head("pop3 list", servers.pop3, "STARTTLS", 1)).contains(TLS);
    r = run("imap list", servers.imaps, "implicit", "PATH", "--auth", "plain");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out()).startsWith(head("imap list", servers.imaps, "IMPLICIT", 1)).contains(TLS);
  }

  @Test
  void authChoosesScramByDefaultAndTheNamedMechanismWhenTold() throws Exception {
    MailCommandsTest.Result r = run("pop3 list", servers.pop3s, "implicit", PASSWORD_ENV);
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(0);
    servers.awaitDovecotLog("pop3-login: Info: Login: user=<alice>, method=SCRAM-SHA-256");
    r = run("imap list", servers.imap, "starttls", PASSWORD_ENV, "--auth", "cram-md5");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(0);
    servers.awaitDovecotLog("imap-login: Info: Login: user=<alice>, method=CRAM-MD5");
  }

  @Test
  void authNotOfferedIsARefusalBeforeAnySecretAndAnUnknownNameIsUsage() {
    MailCommandsTest.Result r = run("smtp send", servers.submission, "starttls", PASSWORD_ENV, "--auth",
        "oauthbearer", "--from", "alice@example.test", "--to", "alice@example.test", "--subject", "s", "--body", "b");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out()).startsWith(head("smtp send", servers.submission, "STARTTLS", 1))
        .contains("no credential was sent: localhost does not offer OAUTHBEARER; it offers ").contains(TLS)
        .contains("\"hint\":\"name one the server offers with --auth: plain, login, scram-sha-256, cram-md5 (");
    r = run("imap list", servers.imaps, "implicit", PASSWORD_ENV, "--auth", "digest-md5");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(2);
    assertThat(r.out()).contains("unknown SASL mechanism: digest-md5").contains("\"security\":null");
  }
}
