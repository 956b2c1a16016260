package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mail commands against scripted loopback servers: every STARTTLS attack ends with exit code 3 and no credential
 * on the wire; good sessions print what the issue asks for.
 */
class MailCommandsTest {
  // Tests cannot set environment variables; HOME is always set, so it stands in for the password variable.
  private static final String PASSWORD_ENV = "HOME";
  private static final String PASSWORD = System.getenv(PASSWORD_ENV);
  private static final TestPki PKI = TestPki.get();

  record Result(int code, String out, String err) {}

  static Result run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  static List<String> args(String command, int port, String tls, String... extra) {
    List<String> a = new ArrayList<>(List.of(command.split(" ")));
    a.addAll(List.of("--server", "127.0.0.1:" + port, "--tls", tls, "--trust", PKI.caPem.toString(),
        "--peer-name", "localhost", "--timeout", "5", "--user", "alice", "--password-env", PASSWORD_ENV));
    a.addAll(List.of(extra));
    return a;
  }

  static List<String> command(String name) {
    return switch (name) {
      case "smtp" -> List.of("smtp send", "--from", "a@x", "--to", "b@x", "--subject", "s", "--body", "b");
      case "imap" -> List.of("imap list");
      default -> List.of("pop3 list");
    };
  }

  static Stream<Arguments> attacks() {
    String smtpEhlo = "S: 250-mx\r\n250-STARTTLS\r\n250 AUTH PLAIN";
    String imapGreeting = "S: * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hi";
    String popCapa = "S: +OK\r\nSTLS\r\nUSER\r\n.";
    return Stream.of(
        Arguments.of("smtp", "stripped", "starttls", false,
            new String[] {"S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH PLAIN"}),
        Arguments.of("smtp", "refused", "auto", false,
            new String[] {"S: 220 mx", "C: EHLO localhost", smtpEhlo, "C: STARTTLS", "S: 454 4.7.0 no TLS"}),
        Arguments.of("smtp", "injected", "starttls", false,
            new String[] {"S: 220 mx", "C: EHLO localhost", smtpEhlo, "C: STARTTLS", "S: 220 go\r\n250 AUTH PLAIN"}),
        Arguments.of("smtp", "bad certificate", "starttls", true,
            new String[] {"S: 220 mx", "C: EHLO localhost", smtpEhlo, "C: STARTTLS", "S: 220 go", "TLS"}),
        Arguments.of("imap", "stripped", "starttls", false,
            new String[] {"S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi"}),
        Arguments.of("imap", "refused", "starttls", false,
            new String[] {imapGreeting, "C: {tag} STARTTLS", "S: {tag} BAD no"}),
        Arguments.of("imap", "preauth", "starttls", false, new String[] {"S: * PREAUTH [CAPABILITY IMAP4rev1] hi"}),
        Arguments.of("imap", "injected", "auto", false,
            new String[] {imapGreeting, "C: {tag} STARTTLS", "S: {tag} OK go\r\n* CAPABILITY IMAP4rev1"}),
        Arguments.of("imap", "bad certificate", "starttls", true,
            new String[] {imapGreeting, "C: {tag} STARTTLS", "S: {tag} OK go", "TLS"}),
        Arguments.of("pop3", "stripped", "starttls", false,
            new String[] {"S: +OK hi", "C: CAPA", "S: +OK\r\nUSER\r\n."}),
        Arguments.of("pop3", "refused", "starttls", false,
            new String[] {"S: +OK hi", "C: CAPA", popCapa, "C: STLS", "S: -ERR not today"}),
        Arguments.of("pop3", "injected", "auto", false,
            new String[] {"S: +OK hi", "C: CAPA", popCapa, "C: STLS", "S: +OK go\r\n+OK\r\n."}),
        Arguments.of("pop3", "bad certificate", "starttls", true,
            new String[] {"S: +OK hi", "C: CAPA", popCapa, "C: STLS", "S: +OK go", "TLS"}));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("attacks")
  void starttlsAttacksExitWithThreeAndSendNoCredential(String protocol, String attack, String tls,
      boolean wrongTrust, String[] script) throws Exception {
    SSLContext server = PKI.serverContext();
    try (ScriptedPeer peer = ScriptedPeer.plain(server, script)) {
      List<String> cmd = command(protocol);
      List<String> a = args(cmd.get(0), peer.port(), tls, cmd.subList(1, cmd.size()).toArray(String[]::new));
      if (wrongTrust) a.set(a.indexOf("--trust") + 1, PKI.otherCaPem.toString());
      Result r = run(a);
      peer.finish();
      assertThat(r.code()).as(r.err()).isEqualTo(3);
      String plain = peer.plaintextFromClient();
      String encoded = Base64.getEncoder().encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      assertThat(plain).doesNotContain("AUTH", "LOGIN", "USER", "PASS", PASSWORD, encoded, "MAIL FROM");
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void smtpSendOverStarttlsPrintsPerRecipientResults(@TempDir Path dir) throws Exception {
    String auth = Base64.getEncoder().encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    Path eml = Files.writeString(dir.resolve("m.eml"), "Subject: s\n\n.body\n");
    try (ScriptedPeer peer = ScriptedPeer.plain(PKI.serverContext(),
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS", "S: 220 go", "TLS",
        "C: EHLO localhost", "S: 250-mx\r\n250 AUTH PLAIN", "C: AUTH PLAIN " + auth, "S: 235 ok",
        "C: MAIL FROM:<a@x>", "S: 250 ok", "C: RCPT TO:<b@x>", "S: 250 ok", "C: RCPT TO:<c@x>", "S: 550 nope",
        "C: DATA", "S: 354 go", "C: Subject: s", "C: ", "C: ..body", "C: .", "S: 250 queued as 7",
        "C: QUIT", "S: 221 bye")) {
      Result r = run(args("smtp send", peer.port(), "starttls", "--from", "a@x", "--to", "b@x", "c@x",
          "--file", eml.toString()));
      assertThat(peer.finish()).isEmpty();
      assertThat(r.code()).as(r.err()).isEqualTo(1); // one recipient refused
      assertThat(r.out()).isEqualTo("accepted b@x\nrefused  c@x: server said 550 nope\n"
          + "queued: server said queued as 7\n");
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\nSTARTTLS\r\n");
    }
  }

  @Test
  void smtpSendRefusesAMalformedAddressWithExitTwoBeforeDialling() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort(); // dialling it would end in exit 4, not 2
    }
    Result r = run(args("smtp send", closedPort, "starttls", "--from", "a@example.test", "--to", "bad address",
        "--subject", "s", "--body", "b"));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--to is not an RFC 5321 address").contains("'bad address'");
    r = run(args("smtp send", closedPort, "starttls", "--from", "a@example.test", "--to", "b@example.test",
        "c@@example.test", "--subject", "s", "--body", "b", "--json"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("\"exitCode\":2").contains("c@@example.test");
  }

  @Test
  void smtpSendNamesAMissingAttachmentOrHtmlFileWithExitTwo(@TempDir Path dir) throws Exception {
    Path html = Files.writeString(dir.resolve("b.html"), "<p>x</p>");
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Result r = run(args("smtp send", closedPort, "starttls", "--from", "a@x", "--to", "b@x", "--subject", "s",
        "--html", html.toString(), "--attach", dir.resolve("missing.pdf").toString()));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--attach").contains("missing.pdf does not exist");
    r = run(args("smtp send", closedPort, "starttls", "--from", "a@x", "--to", "b@x", "--subject", "s",
        "--html", dir.resolve("nope.html").toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--html").contains("nope.html does not exist");
    r = run(args("smtp send", closedPort, "starttls", "--from", "a@x", "--to", "b@x", "--subject", "s"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--body, --html or both");
  }

  @Test
  void opportunisticNamedOnTheCommandLineIsTheDoorYetCredentialsNeverGoOutInPlaintext() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH PLAIN")) {
      Result r = run(args("smtp send", peer.port(), "opportunistic", "--from", "a@x", "--to", "b@x",
          "--subject", "s", "--body", "b"));
      peer.finish();
      assertThat(r.code()).as(r.err()).isEqualTo(3); // not 2: the mode itself was allowed by naming it
      assertThat(r.err()).contains("not encrypted");
      assertThat(peer.plaintextFromClient()).startsWith("EHLO localhost\r\n").doesNotContain("AUTH");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"scram-sha-256", "plain", "login", "cram-md5", "oauthbearer", "xoauth2"})
  void noAuthMechanismGoesOutInPlaintext(String mechanism) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost",
        "S: 250-mx\r\n250 AUTH SCRAM-SHA-256 PLAIN LOGIN CRAM-MD5 OAUTHBEARER XOAUTH2")) {
      Result r = run(args("smtp send", peer.port(), "opportunistic", "--auth", mechanism, "--from", "a@x",
          "--to", "b@x", "--subject", "s", "--body", "b"));
      peer.finish();
      assertThat(r.code()).as(r.err()).isEqualTo(3);
      assertThat(r.err()).contains("not encrypted");
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\n");
    }
  }

  @Test
  void imapListPrintsUidSenderAndSubject() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(),
        "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi",
        "C: {tag} LOGIN \"alice\" \"" + PASSWORD + "\"", "S: {tag} OK [CAPABILITY IMAP4rev1] in",
        "C: {tag} EXAMINE \"INBOX\"", "S: * 1 EXISTS\r\n{tag} OK [READ-ONLY] ok",
        "C: {tag} UID FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)",
        "S: * 1 FETCH (UID 17 FLAGS () RFC822.SIZE 10 ENVELOPE (NIL \"Hello\" ((\"Bob\" NIL \"bob\" \"x\")) NIL"
            + " NIL NIL NIL NIL NIL NIL))\r\n{tag} OK",
        "C: {tag} LOGOUT", "S: * BYE\r\n{tag} OK")) {
      Result r = run(args("imap list", peer.port(), "implicit"));
      assertThat(peer.finish()).isEmpty();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo("17\tBob <bob@x>\tHello\n");
    }
  }

  @Test
  void imapFetchPrintsTheMessageAndShowsAlertsAsServerText() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(PKI.serverContext(),
        "S: * OK [CAPABILITY IMAP4rev1 STARTTLS] hi", "C: {tag} STARTTLS", "S: {tag} OK go", "TLS",
        "C: {tag} CAPABILITY", "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK",
        "C: {tag} LOGIN \"alice\" \"" + PASSWORD + "\"",
        "S: * OK [ALERT] Quota at 95%\u001b[2J\r\n{tag} OK [CAPABILITY IMAP4rev1] in",
        "C: {tag} EXAMINE \"Sent\"", "S: * 1 EXISTS\r\n{tag} OK [READ-ONLY] ok",
        "C: {tag} UID FETCH 42 (UID FLAGS BODY.PEEK[])",
        "S: * 1 FETCH (UID 42 FLAGS () BODY[] {14}\r\nSubject: x\r\n\r\n)\r\n{tag} OK",
        "C: {tag} LOGOUT", "S: * BYE\r\n{tag} OK")) {
      Result r = run(args("imap fetch", peer.port(), "starttls", "--uid", "42", "--mailbox", "Sent"));
      assertThat(peer.finish()).isEmpty();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo("Subject: x\r\n\r\n");
      assertThat(r.err()).contains("server alert (server text): Quota at 95%?[2J").doesNotContain("\u001b");
    }
  }

  private static final String[] IMAPS_INBOX = {"S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi",
      "C: {tag} LOGIN \"alice\" \"" + PASSWORD + "\"", "S: {tag} OK [CAPABILITY IMAP4rev1] in",
      "C: {tag} EXAMINE \"INBOX\"", "S: * 1 EXISTS\r\n{tag} OK [READ-ONLY] ok"};

  @Test
  void imapFetchPartStreamsTheDecodedAttachmentToAFile(@TempDir Path dir) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(), concat(IMAPS_INBOX,
        "C: {tag} UID FETCH 7 (UID BODYSTRUCTURE)",
        "S: * 1 FETCH (UID 7 BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 2 1)(\"application\""
            + " \"octet-stream\" NIL NIL NIL \"base64\" 8 NIL (\"attachment\" (\"filename\" \"../x.bin\")))"
            + " \"mixed\"))\r\n{tag} OK",
        "C: {tag} UID FETCH 7 (UID BODY.PEEK[2])", "S: * 1 FETCH (UID 7 BODY[2] {10}\r\nAAEC/w==\r\n)\r\n{tag} OK",
        "C: {tag} LOGOUT", "S: * BYE\r\n{tag} OK"))) {
      Path file = dir.resolve("out.bin");
      Result r = run(args("imap fetch", peer.port(), "implicit", "--uid", "7", "--part", "2", "--out",
          file.toString(), "--json"));
      assertThat(peer.finish()).isEmpty();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(Files.readAllBytes(file)).containsExactly(0, 1, 2, 0xff);
      assertThat(r.out()).contains("\"part\":\"2\"", "\"bytes\":4", "\"filename\":\"../x.bin\"");
      assertThat(dir.toFile().list()).containsExactly("out.bin"); // the server's file name is never a path
    }
  }

  @Test
  void imapFetchLeavesNoFileWhenThePartIsMissingOrUndecodable(@TempDir Path dir) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(), concat(IMAPS_INBOX,
        "C: {tag} UID FETCH 7 (UID BODYSTRUCTURE)",
        "S: * 1 FETCH (UID 7 BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 2 1))\r\n{tag} OK"))) {
      Result r = run(args("imap fetch", peer.port(), "implicit", "--uid", "7", "--part", "3", "--out",
          dir.resolve("x").toString()));
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).contains("has no part 3 (parts: 1)");
      assertThat(dir.toFile().list()).isEmpty();
    }
    Files.writeString(dir.resolve("keep"), "old");
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(), concat(IMAPS_INBOX,
        "C: {tag} UID FETCH 7 (UID BODYSTRUCTURE)",
        "S: * 1 FETCH (UID 7 BODYSTRUCTURE (\"application\" \"pdf\" NIL NIL NIL \"base64\" 5))\r\n{tag} OK",
        "C: {tag} UID FETCH 7 (UID BODY.PEEK[1])", "S: * 1 FETCH (UID 7 BODY[1] {5}\r\nAAECA)\r\n{tag} OK"))) {
      Result r = run(args("imap fetch", peer.port(), "implicit", "--uid", "7", "--part", "1", "--out",
          dir.resolve("keep").toString()));
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).contains("base64");
      assertThat(dir.toFile().list()).containsExactly("keep"); // no half-written temporary file left behind
      assertThat(Files.readString(dir.resolve("keep"))).isEqualTo("old"); // and the old file untouched
    }
    Result usage = run(args("imap fetch", 1, "implicit", "--uid", "7", "--part", "2.x"));
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).contains("--part must be a part number");
  }

  @Test
  void pop3ListAndRetrOverImplicitTls() throws Exception {
    String auth = Base64.getEncoder().encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    String[] login = {"S: +OK hi", "C: CAPA", "S: +OK\r\nSASL PLAIN\r\n.", "C: AUTH PLAIN " + auth, "S: +OK"};
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(), concat(login,
        "C: LIST", "S: +OK\r\n1 42\r\n.", "C: TOP 1 0", "S: +OK\r\nSubject: Hi\r\n\r\n.", "C: QUIT", "S: +OK"))) {
      Result r = run(args("pop3 list", peer.port(), "implicit", "--json"));
      assertThat(peer.finish()).isEmpty();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).startsWith("{\"command\":\"pop3 list\",\"server\":\"127.0.0.1\",\"port\":" + peer.port()
              + ",\"tlsMode\":\"IMPLICIT\",\"tlsModeDecidedBy\":\"name\",\"exitCode\":0,\"error\":null,"
              + "\"security\":{\"protocol\":\"TLSv1.3\","
              + "\"cipherSuite\":\"TLS_")
          .contains("\"keyExchangeGroup\":")
          .endsWith(",\"messages\":[{\"number\":1,\"size\":42,\"subject\":\"Hi\"}]}\n");
    }
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(), concat(login,
        "C: RETR 1", "S: +OK\r\nSubject: Hi\r\n\r\n..body\r\n.", "C: QUIT", "S: +OK"))) {
      Result r = run(args("pop3 retr", peer.port(), "implicit", "1"));
      assertThat(peer.finish()).isEmpty();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo("Subject: Hi\r\n\r\n.body\r\n");
    }
  }

  @Test
  void autoOnAnUnusualPortReportsHowItDecided() throws Exception {
    String auth = Base64.getEncoder().encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(), "S: +OK hi", "C: CAPA",
        "S: +OK\r\nSASL PLAIN\r\n.", "C: AUTH PLAIN " + auth, "S: +OK", "C: LIST", "S: +OK\r\n.", "C: QUIT",
        "S: +OK")) {
      Result r = run(args("pop3 list", peer.port(), "auto", "--json"));
      assertThat(peer.finish()).isEmpty();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).startsWith("{\"command\":\"pop3 list\",\"server\":\"127.0.0.1\",\"port\":" + peer.port()
          + ",\"tlsMode\":\"IMPLICIT\",\"tlsModeDecidedBy\":\"looking\",\"exitCode\":0,\"error\":null,");
    }
    try (ScriptedPeer peer = ScriptedPeer.plain("HEX: 15 03 03 00 02 02 28")) {
      Result r = run(args("imap list", peer.port(), "auto", "--json"));
      peer.finish();
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.out()).contains(",\"tlsMode\":\"AUTO\",\"tlsModeDecidedBy\":null,\"exitCode\":1,\"error\":\"IMAP"
              + " server localhost on port " + peer.port() + " sent a TLS record before any ClientHello: ")
          .contains("a TLS alert: fatal handshake_failure (40)").contains("\"kind\":\"protocol\",")
          .contains("\"hint\":\"--tls auto could not tell how this port works");
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @Test
  void smtpSendJsonOnAFailureAfterTlsCarriesTheErrorAndWhatTlsNegotiated() throws Exception {
    String auth = Base64.getEncoder().encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    try (ScriptedPeer peer = ScriptedPeer.plain(PKI.serverContext(),
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS", "S: 220 go", "TLS",
        "C: EHLO localhost", "S: 250-mx\r\n250 AUTH PLAIN", "C: AUTH PLAIN " + auth,
        "S: 535 5.7.8 authentication failed")) {
      Result r = run(args("smtp send", peer.port(), "starttls", "--from", "a@x", "--to", "b@x", "--subject", "s",
          "--body", "b", "--json"));
      peer.finish();
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).isEmpty();
      assertThat(r.out()).startsWith("{\"command\":\"smtp send\",\"server\":\"127.0.0.1\",\"port\":" + peer.port()
              + ",\"tlsMode\":\"STARTTLS\",\"tlsModeDecidedBy\":\"name\",\"exitCode\":1,"
              + "\"error\":\"AUTH PLAIN refused by server: \\\"535 5.7.8"
              + " authentication failed\\\"\",\"kind\":\"protocol\",\"hint\":null,"
              + "\"security\":{\"protocol\":\"TLSv1.3\"")
          .contains("\"cipherSuite\":\"TLS_").contains("\"keyExchangeGroup\":").endsWith("}\n")
          .doesNotContain("recipients");
    }
  }

  @Test
  void jsonOnAFailureInsideConnectStillCarriesWhatTlsNegotiated() throws Exception {
    // The EHLO after STARTTLS is refused: the client never returns a connection, yet the handshake is reported.
    try (ScriptedPeer peer = ScriptedPeer.plain(PKI.serverContext(),
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS", "S: 220 go", "TLS",
        "C: EHLO localhost", "S: 421 4.3.2 shutting down")) {
      Result r = run(args("smtp send", peer.port(), "starttls", "--from", "a@x", "--to", "b@x", "--subject", "s",
          "--body", "b", "--json"));
      peer.finish();
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.out()).contains("\"exitCode\":1,\"error\":\"EHLO refused by server: \\\"421 4.3.2 shutting"
          + " down\\\"\"").contains("\"security\":{\"protocol\":\"TLSv1.3\",\"cipherSuite\":\"TLS_");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedUpgrades")
  void jsonOnASecurityFailureHasTheReasonAndNoTls(String protocol, String[] script) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(PKI.serverContext(), script)) {
      List<String> cmd = command(protocol);
      List<String> a = args(cmd.get(0), peer.port(), "starttls", cmd.subList(1, cmd.size()).toArray(String[]::new));
      a.add("--json");
      Result r = run(a);
      peer.finish();
      assertThat(r.code()).as(r.err()).isEqualTo(3);
      assertThat(r.err()).isEmpty();
      assertThat(r.out()).startsWith("{\"command\":\"" + cmd.get(0) + "\",")
          .contains(",\"tlsMode\":\"STARTTLS\",\"tlsModeDecidedBy\":\"name\",\"exitCode\":3,\"error\":\"")
          .contains("\"kind\":\"security\",\"reason\":\"UPGRADE_REFUSED\","
              + "\"validation\":null,\"hint\":\"the server refused to start TLS")
          .endsWith(",\"security\":null}\n");
    }
  }

  static Stream<Arguments> refusedUpgrades() {
    return Stream.of(
        Arguments.of("smtp", new String[] {"S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 STARTTLS",
            "C: STARTTLS", "S: 454 4.7.0 no TLS"}),
        Arguments.of("imap", new String[] {"S: * OK [CAPABILITY IMAP4rev1 STARTTLS] hi", "C: {tag} STARTTLS",
            "S: + go ahead"}),
        Arguments.of("pop3", new String[] {"S: +OK hi", "C: CAPA", "S: +OK\r\nSTLS\r\nUSER\r\n.", "C: STLS",
            "HEX: 15 03 03 00 02 02 28"}));
  }

  @Test
  void imapFetchAndPop3RetrPutTheMessageInTheirJson() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(),
        "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi",
        "C: {tag} LOGIN \"alice\" \"" + PASSWORD + "\"", "S: {tag} OK [CAPABILITY IMAP4rev1] in",
        "C: {tag} EXAMINE \"INBOX\"", "S: * 1 EXISTS\r\n{tag} OK [READ-ONLY] ok",
        "C: {tag} UID FETCH 42 (UID FLAGS BODY.PEEK[])",
        "S: * 1 FETCH (UID 42 FLAGS () BODY[] {14}\r\nSubject: x\r\n\r\n)\r\n{tag} OK",
        "C: {tag} LOGOUT", "S: * BYE\r\n{tag} OK")) {
      Result r = run(args("imap fetch", peer.port(), "implicit", "--uid", "42", "--json"));
      assertThat(peer.finish()).isEmpty();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("\"exitCode\":0,\"error\":null,\"security\":{\"protocol\":\"TLSv1.3\"")
          .endsWith(",\"mailbox\":\"INBOX\",\"uid\":42,\"message\":\"Subject: x\\r\\n\\r\\n\"}\n");
    }
  }

  @Test
  void aServerThatSpeaksTlsFirstIsNamedAtOnceWithAHint() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("HEX: 15 03 03 00 02 02 46")) {
      List<String> a = args("pop3 list", peer.port(), "starttls");
      a.set(a.indexOf("--timeout") + 1, "30"); // it must fail on the bytes, not on the timeout
      long start = System.nanoTime();
      Result r = run(a);
      peer.finish();
      assertThat(System.nanoTime() - start).isLessThan(30_000_000_000L);
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).contains("localhost answered in TLS where a plaintext protocol line was expected: a TLS"
          + " alert: fatal protocol_version (70)").contains("Try: this port speaks TLS from the first byte");
    }
  }

  @Test
  void refusalIsExitOneAndBadModeIsExitTwo() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(), "S: +OK hi", "C: CAPA", "S: -ERR",
        "C: USER alice", "S: -ERR [AUTH] no such user")) {
      Result r = run(args("pop3 list", peer.port(), "implicit"));
      peer.finish();
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("USER refused by server: \"-ERR [AUTH] no such user\"");
    }
    assertThat(run(args("imap list", 1, "sometimes")).code()).isEqualTo(2);
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
