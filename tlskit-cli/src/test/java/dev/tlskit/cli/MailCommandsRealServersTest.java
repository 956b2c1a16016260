package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.testpeer.GsaslImapServer;
import dev.tlskit.testpeer.RealMailServers;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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
        + "\",\"tlsModeDecidedBy\":\"name\",\"exitCode\":" + exitCode + ",\"error\":";
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
  void smtpSendWithHtmlAndTwoAttachmentsArrivesWithEachAttachmentIntact() throws Exception {
    byte[] pdf = new byte[100_000];
    new java.util.Random(5).nextBytes(pdf);
    Path report = Files.write(tmp.resolve("r\u00e9sum\u00e9.pdf"), pdf);
    byte[] csv = "a;b\n1;\u00e9\n".getBytes(StandardCharsets.UTF_8);
    Path data = Files.write(tmp.resolve("data.csv"), csv);
    Path html = Files.writeString(tmp.resolve("body.html"), "<p>Hallo <b>\u00fc</b></p>");
    MailCommandsTest.Result r = run("smtp send", servers.submission, "starttls", PASSWORD_ENV,
        "--from", "alice@example.test", "--to", "alice@example.test", "--subject", "cli attachments",
        "--body", "plain alternative", "--html", html.toString(), "--attach", report.toString(),
        "--attach", data.toString());
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    byte[] raw = servers.awaitDelivery("alice", "cli attachments").body();
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    MimeMultipart alt = (MimeMultipart) mixed.getBodyPart(0).getContent();
    assertThat(alt.getBodyPart(0).getContent().toString()).startsWith("plain alternative");
    assertThat(alt.getBodyPart(1).getContent().toString()).isEqualTo("<p>Hallo <b>\u00fc</b></p>");
    MimeBodyPart first = (MimeBodyPart) mixed.getBodyPart(1);
    assertThat(first.getFileName()).isEqualTo("r\u00e9sum\u00e9.pdf");
    assertThat(first.getContentType()).startsWith("application/pdf");
    assertThat(first.getInputStream().readAllBytes()).isEqualTo(pdf);
    MimeBodyPart second = (MimeBodyPart) mixed.getBodyPart(2);
    assertThat(second.getFileName()).isEqualTo("data.csv");
    assertThat(second.getInputStream().readAllBytes()).isEqualTo(csv);
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

  @Test
  void authScramSha256PlusBindsToTheTlsSessionAndAWrongBindingIsARefusalWithAHint() throws Exception {
    // GNU SASL's server (the peer with -PLUS) behind the tests' IMAP front; it takes HOME's value as the password
    try (GsaslImapServer gsasl = GsaslImapServer.start(tmp, System.getenv(PASSWORD_ENV),
        List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"), null)) {
      MailCommandsTest.Result r = run("imap list", gsasl.port, "implicit", PASSWORD_ENV, "--auth",
          "scram-sha-256-plus");
      assertThat(r.code()).as(r.err() + r.out()).isEqualTo(0);
      r = run("imap list", gsasl.port, "implicit", PASSWORD_ENV, "--auth", "scram-sha-256-plus",
          "--channel-binding", "tls-server-end-point");
      assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
      assertThat(r.out()).contains("the login was bound to the TLS channel with tls-server-end-point")
          .contains("\"hint\":\"check the password; if it is right, the server may not implement"
              + " tls-server-end-point: try --channel-binding tls-exporter");
      assertThat(gsasl.awaitVerdicts(2)).satisfiesExactly(
          v -> assertThat(v).startsWith("mech=SCRAM-SHA-256-PLUS gs2=p=tls-exporter,, result=OK"),
          v -> assertThat(v).startsWith("mech=SCRAM-SHA-256-PLUS gs2=p=tls-server-end-point,, result=NO"));
    }
    // Dovecot 2.3 offers no -PLUS: named on pop3 and smtp, it is a refusal before any secret, not a usage error
    MailCommandsTest.Result r = run("pop3 list", servers.pop3s, "implicit", PASSWORD_ENV, "--auth",
        "scram-sha-256-plus");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out()).contains("does not offer SCRAM-SHA-256-PLUS");
    r = run("smtp send", servers.submission, "starttls", PASSWORD_ENV, "--auth", "SCRAM-SHA-256-PLUS", "--from",
        "alice@example.test", "--to", "alice@example.test", "--subject", "s", "--body", "b");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out()).contains("does not offer SCRAM-SHA-256-PLUS");
    r = run("imap list", servers.imaps, "implicit", PASSWORD_ENV, "--channel-binding", "tls-unique");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(2);
    assertThat(r.out()).contains("unknown channel binding: tls-unique");
  }
}
