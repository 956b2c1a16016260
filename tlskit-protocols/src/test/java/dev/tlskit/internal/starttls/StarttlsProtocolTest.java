package dev.tlskit.internal.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ProtocolException;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerConnection;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared STARTTLS preamble against scripted loopback peers, over a plaintext {@link TlsConnection} as {@code
 * tlskit connect} and {@code tlskit probe} run it, up to the socket handed over for the TLS handshake.
 */
class StarttlsProtocolTest {
  /** The read timeout (the TlsClient default is the same 30 s). */
  private static final int READ_TIMEOUT_MILLIS = 30_000;
  /** A fatal handshake_failure alert where a reply should start, with no line end after it. */
  private static final String ALERT = "HEX: 15 03 03 00 02 02 28";

  private static TlsConnection open(int port) throws IOException {
    return TlsClient.builder().build().connectPlain("127.0.0.1", port, "mail.example.com");
  }

  /** Runs {@code protocol}'s preamble against {@code peer} up to the switch; returns the capabilities before TLS. */
  private static List<String> negotiate(StarttlsProtocol protocol, ScriptedPeer peer) throws IOException {
    try (TlsConnection c = open(peer.port())) {
      return protocol.startOwnHandshake(PreambleLines.over(c));
    }
  }

  private static void assertRefused(ThrowingCallable call, Reason reason, String messagePart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(TlsSecurityException.class,
        e -> assertThat(e.reason()).isEqualTo(reason)).hasMessageContaining(messagePart);
  }

  @Test
  void smtpReadsMultiLineRepliesWholeAndFindsStarttlsAmongThem() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer(
        "S: 220-mail.example.com ESMTP", "S: 220 ready",
        "C: EHLO tlskit.invalid",
        "S: 250-mail.example.com greets you", "S: 250-PIPELINING", "S: 250-STARTTLS", "S: 250 SIZE 10240000",
        "C: STARTTLS",
        "S: 220 go ahead")) {
      assertThat(negotiate(StarttlsProtocol.SMTP, peer))
          .containsExactly("PIPELINING", "STARTTLS", "SIZE 10240000");
      assertThat(peer.received()).containsExactly("EHLO tlskit.invalid", "STARTTLS");
      assertThat(peer.mismatches()).isEmpty();
    }
  }

  @Test
  void smtpStrippedStarttlsIsNotOfferedAndNothingElseIsSent() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: 220 ready", "C: EHLO tlskit.invalid", "S: 250-mx",
        "S: 250 8BITMIME")) {
      assertRefused(() -> negotiate(StarttlsProtocol.SMTP, peer), Reason.UPGRADE_NOT_OFFERED,
          "does not advertise STARTTLS");
      assertThat(peer.received()).containsExactly("EHLO tlskit.invalid");
    }
  }

  @Test
  void smtpReplyThatChangesItsCodeMidwayIsMalformed() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: 220 ready", "C: EHLO tlskit.invalid", "S: 250-mx",
        "S: 251 STARTTLS")) {
      assertThatThrownBy(() -> negotiate(StarttlsProtocol.SMTP, peer))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("251 STARTTLS");
      assertThat(peer.received()).containsExactly("EHLO tlskit.invalid");
    }
  }

  @Test
  void smtpStarttlsAnsweredWith454IsRefused() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: 220 ready", "C: EHLO tlskit.invalid", "S: 250-mx",
        "S: 250 STARTTLS",
        "C: STARTTLS", "S: 454 TLS not available due to temporary reason")) {
      assertRefused(() -> negotiate(StarttlsProtocol.SMTP, peer), Reason.UPGRADE_REFUSED,
          "454 TLS not available");
    }
  }

  @Test
  void imapAsksForCapabilitiesEvenWhenTheGreetingListsThemAndSkipsUntaggedData()
      throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer(
        "S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready",
        "C: {tag} CAPABILITY",
        "S: * CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED", "S: {tag} OK done",
        "C: {tag} STARTTLS",
        "S: * OK still plaintext", "S: {tag} OK begin TLS")) {
      assertThat(negotiate(StarttlsProtocol.IMAP, peer))
          .containsExactly("IMAP4rev1", "STARTTLS", "LOGINDISABLED");
      assertThat(peer.mismatches()).isEmpty();
    }
  }

  @Test
  void imapStarttlsListedOnlyInTheGreetingIsNotEnough() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready",
        "C: {tag} CAPABILITY", "S: * CAPABILITY IMAP4rev1", "S: {tag} OK done")) {
      assertRefused(() -> negotiate(StarttlsProtocol.IMAP, peer), Reason.UPGRADE_NOT_OFFERED,
          "IMAP server does not advertise STARTTLS");
      assertThat(peer.received()).singleElement().asString().matches("[A-Z0-9]{8} CAPABILITY");
    }
  }

  @Test
  void imapTagsAreRandomAsInTheImapClient() throws Exception {
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      try (ScriptedPeer peer = new ScriptedPeer("S: * OK ready", "C: {tag} CAPABILITY",
          "S: * CAPABILITY IMAP4rev1 STARTTLS", "S: {tag} OK", "C: {tag} STARTTLS", "S: {tag} OK begin TLS")) {
        negotiate(StarttlsProtocol.IMAP, peer);
        for (String line : peer.received()) tags.add(line.substring(0, line.indexOf(' ')));
      }
    }
    // An attacker who can predict "a002" can inject "a002 OK" ahead of TLS; eight random characters cannot be.
    assertThat(tags).hasSize(4).doesNotHaveDuplicates().allMatch(t -> t.matches("[A-Z0-9]{8}"));
  }

  @Test
  void imapPreauthIsRefusedBeforeAnyCommand() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: * PREAUTH logged in as admin")) {
      assertRefused(() -> negotiate(StarttlsProtocol.IMAP, peer), Reason.PREAUTH_REFUSED,
          "PREAUTH");
      assertThat(peer.received()).isEmpty();
    }
  }

  @Test
  void imapTaggedNoToStarttlsIsRefused() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: * OK ready", "C: {tag} CAPABILITY",
        "S: * CAPABILITY IMAP4rev1 STARTTLS", "S: {tag} OK", "C: {tag} STARTTLS", "S: {tag} NO not today")) {
      assertRefused(() -> negotiate(StarttlsProtocol.IMAP, peer), Reason.UPGRADE_REFUSED,
          "NO not today");
    }
  }

  @Test
  void pop3StlsRefusedIsAnUpgradeRefusal() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: +OK POP3 ready", "C: CAPA", "S: +OK", "S: USER", "S: STLS",
        "S: .", "C: STLS", "S: -ERR not now")) {
      assertRefused(() -> negotiate(StarttlsProtocol.POP3, peer), Reason.UPGRADE_REFUSED,
          "-ERR not now");
      assertThat(peer.received()).containsExactly("CAPA", "STLS");
    }
  }

  @Test
  void pop3WithoutCapaDoesNotOfferStls() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: +OK POP3 ready", "C: CAPA", "S: -ERR unknown command")) {
      assertRefused(() -> negotiate(StarttlsProtocol.POP3, peer), Reason.UPGRADE_NOT_OFFERED,
          "does not advertise STLS");
      assertThat(peer.received()).containsExactly("CAPA");
    }
  }

  @Test
  void ftpAuthTlsRefusedWith534IsAnUpgradeRefusal() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer(
        "S: 220-Welcome", "S:  free text inside an FTP reply", "S: 220 ready",
        "C: FEAT",
        "S: 211-Features:", "S:  MDTM", "S:  AUTH TLS", "S:  PBSZ", "S: 211 End",
        "C: AUTH TLS",
        "S: 534 policy forbids TLS")) {
      assertRefused(() -> negotiate(StarttlsProtocol.FTP, peer), Reason.UPGRADE_REFUSED,
          "534 policy forbids TLS");
      assertThat(peer.received()).containsExactly("FEAT", "AUTH TLS");
    }
  }

  @Test
  void ftpFeatListingWithoutAuthTlsIsNotOffered() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: 220 ready", "C: FEAT", "S: 211-Features:", "S:  MDTM",
        "S:  SIZE", "S: 211 End")) {
      assertRefused(() -> negotiate(StarttlsProtocol.FTP, peer), Reason.UPGRADE_NOT_OFFERED,
          "does not advertise AUTH TLS");
      assertThat(peer.received()).containsExactly("FEAT");
    }
  }

  @Test
  void ftpWithoutFeatLetsTheAuthTlsReplyDecide() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: 220 ready", "C: FEAT", "S: 500 unknown command",
        "C: AUTH TLS", "S: 234 AUTH TLS ok")) {
      assertThat(negotiate(StarttlsProtocol.FTP, peer)).isEmpty();
      assertThat(peer.received()).containsExactly("FEAT", "AUTH TLS");
    }
  }

  @Test
  void bytesAfterTheUpgradeReplyAreAnInjection() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: 220 ready", "C: EHLO tlskit.invalid", "S: 250-mx",
        "S: 250 STARTTLS",
        "C: STARTTLS", "S: 220 go ahead", "S: 250-injected", "S: 250 AUTH PLAIN")) {
      assertRefused(() -> negotiate(StarttlsProtocol.SMTP, peer), Reason.INJECTION_DETECTED,
          "250-injected");
    }
  }

  static Stream<Arguments> upgradeAnsweredWithATlsAlert() {
    Map<StarttlsProtocol, List<String>> scripts = Map.of(
        StarttlsProtocol.SMTP, List.of("S: 220 ready", "C: EHLO tlskit.invalid", "S: 250-mx", "S: 250 STARTTLS",
            "C: STARTTLS", ALERT),
        StarttlsProtocol.IMAP, List.of("S: * OK ready", "C: {tag} CAPABILITY", "S: * CAPABILITY IMAP4rev1 STARTTLS",
            "S: {tag} OK done", "C: {tag} STARTTLS", ALERT),
        StarttlsProtocol.POP3, List.of("S: +OK ready", "C: CAPA", "S: +OK", "S: STLS", "S: .", "C: STLS", ALERT),
        StarttlsProtocol.FTP, List.of("S: 220 ready", "C: FEAT", "S: 211-Features", "S:  AUTH TLS", "S: 211 End",
            "C: AUTH TLS", ALERT));
    return scripts.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void upgradeAnsweredWithATlsAlert(StarttlsProtocol protocol, List<String> script)
      throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer(script.toArray(String[]::new))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> negotiate(protocol, peer))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UPGRADE_REFUSED))
          .hasMessageContaining("answered in TLS").hasMessageContaining("fatal handshake_failure (40)");
      // Failed on the alert's bytes, not on the read timeout, which they used to run into: no line end follows.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(READ_TIMEOUT_MILLIS));
    }
  }

  @Test
  void tlsRecordInsteadOfTheGreetingIsNamed() throws Exception {
    // The start of a ServerHello: what a TLS port that speaks first would send; a greeting was expected.
    try (ScriptedPeer peer = new ScriptedPeer("HEX: 16 03 03 00 7a 02 00 00 76 03 03")) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> negotiate(StarttlsProtocol.SMTP, peer))
          .isInstanceOf(ProtocolException.class).isNotInstanceOf(TlsSecurityException.class)
          .hasMessageContaining("answered in TLS where a plaintext protocol line was expected: a TLS handshake");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(READ_TIMEOUT_MILLIS));
      assertThat(peer.received()).isEmpty();
    }
  }

  @Test
  void aLineStartingWithARecordTypeByteIsStillALine() throws Exception {
    // 0x15 then text: not a record header (no version 3.x after it), so the line is read as one.
    try (ScriptedPeer peer = new ScriptedPeer("S: \u0015220 ready")) {
      assertThatThrownBy(() -> negotiate(StarttlsProtocol.SMTP, peer))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("220 ready")
          .hasMessageNotContaining("TLS");
    }
  }

  @Test
  void overlongLineIsAProtocolError() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer("S: 220 " + "x".repeat(PreambleLines.MAX_LINE))) {
      assertThatThrownBy(() -> negotiate(StarttlsProtocol.SMTP, peer))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("longer than " + PreambleLines.MAX_LINE);
      assertThat(peer.received()).isEmpty();
    }
  }

  @Test
  void endlessRepliesStopAtTheLineBudget() throws Exception {
    List<String> script = new ArrayList<>(List.of("S: 220 ready", "C: EHLO tlskit.invalid"));
    for (int i = 0; i < PreambleLines.MAX_LINES + 10; i++) script.add("S: 250-X" + i);
    try (ScriptedPeer peer = new ScriptedPeer(script.toArray(String[]::new))) {
      assertThatThrownBy(() -> negotiate(StarttlsProtocol.SMTP, peer))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("more than " + PreambleLines.MAX_LINES);
    }
  }

  @Test
  void transcriptShowsEveryCommandAndReply() throws Exception {
    List<String> transcript = new ArrayList<>();
    try (ScriptedPeer peer = new ScriptedPeer("S: +OK ready", "C: CAPA", "S: +OK", "S: STLS", "S: .", "C: STLS",
        "S: +OK begin TLS");
        TlsConnection c = open(peer.port())) {
      StarttlsProtocol.POP3.startOwnHandshake(PreambleLines.over(c).transcript(transcript::add));
    }
    assertThat(transcript).containsExactly("S: +OK ready", "C: CAPA", "S: +OK", "S: STLS", "S: .", "C: STLS",
        "S: +OK begin TLS");
  }

  @Test
  void commandsWithLineBreaksAreRefused() throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer(); TlsConnection c = open(peer.port())) {
      assertThatThrownBy(() -> PreambleLines.over(c).send("NOOP\r\nSTARTTLS"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void parseNamesTheChoices() {
    assertThat(StarttlsProtocol.parse("Pop3")).isEqualTo(StarttlsProtocol.POP3);
    assertThatThrownBy(() -> StarttlsProtocol.parse("gopher")).hasMessageContaining("smtp, imap, pop3 or ftp")
        .hasMessageContaining("gopher");
  }

  @Test
  void capabilitiesAreAskedAgainOverTlsAndDifferFromThePlaintextOnes() throws Exception {
    HeldCertificate root = HeldCertificate.root("Preamble Test Root");
    HeldCertificate leaf = HeldCertificate.leaf(root, "localhost");
    TlsServer server = TlsServer.builder(StarttlsProtocolTest::smtpSession,
            ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain())))
        .mode(TlsMode.STARTTLS).listen("127.0.0.1", 0).start();
    TlsClient client = TlsClient.builder()
        .policy(TlsPolicy.builder().trust(Trust.anchors(root.certificate())).build()).build();
    try (TlsConnection c = client.connectPlain("127.0.0.1", server.port(), "localhost")) {
      List<String> before = StarttlsProtocol.SMTP.startTls(PreambleLines.over(c));
      assertThat(c.securityInfo().validation().trusted()).isTrue();
      List<String> after = StarttlsProtocol.SMTP.capabilities(PreambleLines.over(c));

      assertThat(before).containsExactly("STARTTLS", "SIZE 1000");
      assertThat(after).containsExactly("AUTH PLAIN", "SIZE 1000");
    } finally {
      server.close();
    }
  }

  private static void smtpSession(ServerConnection c) throws IOException {
    c.writeLine("220 test ESMTP");
    for (String line = c.readLine(1000); line != null; line = c.readLine(1000)) {
      String cmd = line.toUpperCase(Locale.ROOT);
      if (cmd.startsWith("EHLO ")) {
        c.writeLine("250-test");
        c.writeLine(c.isTls() ? "250-AUTH PLAIN" : "250-STARTTLS");
        c.writeLine("250 SIZE 1000");
      } else if (cmd.equals("STARTTLS") && !c.isTls()) {
        c.upgradeToTls("220 go ahead");
      } else {
        c.writeLine("502 not implemented");
      }
    }
  }
}
